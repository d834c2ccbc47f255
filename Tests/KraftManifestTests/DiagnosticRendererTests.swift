import KraftManifest
import KraftModel
import Testing

@Suite struct DiagnosticRendererTests {
  let source = "spec: v0.6\ntargets:\n  - plat: qemu\n\tarch: x86-64\n"

  @Test func printsLineAndCaret() {
    let diagnostic = Diagnostic(
      "unknown architecture 'x86-64'; did you mean 'x86_64'?",
      at: SourceLocation(file: "Kraftfile", line: 4, column: 8))
    let text = DiagnosticRenderer().render(diagnostic, source: source)
    #expect(
      text == """
        Kraftfile:4:8: error: unknown architecture 'x86-64'; did you mean 'x86_64'?
        \tarch: x86-64
        \t      ^
        """)
  }

  @Test func notesFollowAndUnknownFilesHaveNoSourceLine() {
    let diagnostic = Diagnostic(
      "duplicate key 'plat'", at: SourceLocation(file: "other", line: 1, column: 1),
      notes: [Diagnostic(.note, "first here", at: SourceLocation(file: "Kraftfile", line: 3, column: 5))])
    let text = DiagnosticRenderer().render([diagnostic], sources: ["Kraftfile": source])
    #expect(
      text == """
        other:1:1: error: duplicate key 'plat'
        Kraftfile:3:5: note: first here
          - plat: qemu
            ^
        """)
  }

  @Test func colourOnlyWhenAsked() {
    let diagnostic = Diagnostic("bad", at: nil)
    #expect(DiagnosticRenderer(colour: false).render(diagnostic, source: nil) == "error: bad")
    #expect(DiagnosticRenderer(colour: true).render(diagnostic, source: nil).contains("\u{1B}["))
  }
}
