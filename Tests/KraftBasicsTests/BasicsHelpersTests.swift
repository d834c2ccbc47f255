import KraftBasics
import Testing

/// The effect helpers the build relies on: globbing, in-memory files, processes, progress.
@Suite struct BasicsHelpersTests {
  @Test func globMatchesWithinAndAcrossFolders() {
    #expect(GlobPattern("*.c").matches("main.c"))
    #expect(!GlobPattern("*.c").matches("src/main.c"))
    #expect(GlobPattern("src/*.[cS]").matches("src/entry.S"))
    #expect(GlobPattern("**/*.c").matches("a/b/c.c"))
    #expect(GlobPattern("**/*.c").matches("c.c"))
    #expect(!GlobPattern("file?.c").matches("file10.c"))
  }

  @Test func inMemoryGlobAndWriteIfChanged() throws {
    let fileSystem = InMemoryFileSystem(files: ["/r/a.c": "", "/r/sub/b.c": "", "/r/sub/c.h": ""])
    #expect(try fileSystem.glob("**/*.c", in: "/r") == ["a.c", "sub/b.c"])
    #expect(try fileSystem.glob("missing.c", in: "/r") == [])
    // A pattern with literal leading folders walks only those, with the same answers.
    #expect(try fileSystem.glob("sub/*.c", in: "/r") == ["sub/b.c"])
    #expect(try fileSystem.glob("sub/**/*.[ch]", in: "/r") == ["sub/b.c", "sub/c.h"])
    #expect(try fileSystem.glob("nowhere/*.c", in: "/r") == [])
    #expect(try fileSystem.glob("s*/*.c", in: "/r") == ["sub/b.c"])
    #expect(try fileSystem.writeTextIfChanged("x", to: "/r/out") == true)
    #expect(try fileSystem.writeTextIfChanged("x", to: "/r/out") == false)
    #expect(try fileSystem.writeTextIfChanged("y", to: "/r/out") == true)
  }

  @Test func processRunnerCapturesAndStreamsLines() throws {
    let runner = SystemProcessRunner()
    let captured = try runner.capture(ProcessCommand("sh", ["-c", "echo out; echo err >&2; exit 3"]))
    #expect(captured == ProcessResult(status: 3, stdout: "out\n", stderr: "err\n"))
    let lines = LineBox()
    let streamed = try runner.run(
      ProcessCommand("sh", ["-c", "printf 'a\\nb\\nc'"]), output: .lines { lines.append($0) })
    #expect(streamed.status == 0)
    #expect(lines.items == ["a", "b", "c"])
    #expect(throws: ProcessLaunchError.self) { try runner.capture(ProcessCommand("no-such-program-kraft")) }
  }

  @Test func progressIsOneLineOnATerminalAndPlainElsewhere() {
    let terminal = TextBuffer(isTerminal: true)
    let display = ProgressDisplay(output: terminal)
    display.step(1, of: 2, "CC app main.c")
    display.step(2, of: 2, "LD image")
    display.finish()
    #expect(terminal.text == "\r\u{1B}[K[1/2] CC app main.c\r\u{1B}[K[2/2] LD image\r\u{1B}[K")
    let log = TextBuffer()
    let plain = ProgressDisplay(output: log)
    plain.step(1, of: 2, "CC app main.c")
    plain.message("warning: x")
    #expect(log.text == "[1/2] CC app main.c\nwarning: x\n")
  }

  final class LineBox: @unchecked Sendable {
    var items: [String] = []
    func append(_ line: String) { items.append(line) }
  }
}
