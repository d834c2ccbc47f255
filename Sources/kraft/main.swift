import KraftCommands

Kraft.main()
