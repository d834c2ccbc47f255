import KraftBasics
import KraftCommands

ProcessUmask.withholdWriteFromOthers()
Kraft.main()
