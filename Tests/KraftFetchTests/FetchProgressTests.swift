import KraftBasics
import Testing

@testable import KraftFetch

/// Fetch progress draws through ProgressDisplay: a status line on a terminal, cleared before
/// a note; off a terminal only the notes.
@Suite struct FetchProgressTests {
  @Test func statusOnlyOnATerminalNotesEverywhere() {
    let terminal = TextBuffer(isTerminal: true)
    let shown = TerminalFetchProgress(output: terminal)
    shown.report("musl", objects: nil, bytes: 2 << 20, totalBytes: 4 << 20)
    shown.note("'musl': verified")
    shown.finish()
    #expect(terminal.text == "\r\u{1B}[K  2.0 MiB of 4.0 MiB\r\u{1B}[K'musl': verified\n")

    let log = TextBuffer()
    let plain = TerminalFetchProgress(output: log)
    plain.report("musl", objects: (1, 2), bytes: 10, totalBytes: nil)
    plain.note("'musl': verified")
    plain.finish()
    #expect(log.text == "'musl': verified\n")
  }
}
