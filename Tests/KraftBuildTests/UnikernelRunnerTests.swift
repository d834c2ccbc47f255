import KraftBasics
import KraftBuild
import KraftModel
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `kraft run`'s logic with a fake monitor: which command runs, how the console is passed on,
/// how statuses are decoded, and how crash frames are symbolised.
@Suite struct UnikernelRunnerTests {
  /// Answers each command by its program's name: console lines (each sent with CRLF, as the
  /// guest ends lines) and an exit status. It runs helpers and monitors alike.
  final class FakeRunner: ProcessRunner, MonitorRunner, @unchecked Sendable {
    var script: [String: (lines: [String], status: Int32, stdout: String)]
    var commands: [ProcessCommand] = []
    var timeouts: [Int?] = []
    /// What the fake monitor reports besides its status.
    var timedOut = false
    var interruptedBy: Int32?

    init(_ script: [String: (lines: [String], status: Int32, stdout: String)]) {
      self.script = script
    }

    func answer(_ command: ProcessCommand) -> (lines: [String], status: Int32, stdout: String) {
      commands.append(command)
      let name = String(command.executable.split(separator: "/").last ?? "")
      return script[name] ?? ([], 127, "")
    }

    func run(_ command: ProcessCommand, output: ProcessOutputMode) throws -> ProcessResult {
      let answer = answer(command)
      if case .lines(let handler) = output { answer.lines.forEach(handler) }
      return ProcessResult(status: answer.status, stdout: answer.stdout)
    }

    func run(
      _ command: ProcessCommand, timeout: Int?, console: (ArraySlice<UInt8>) throws -> Void
    ) throws -> MonitorExit {
      timeouts.append(timeout)
      let answer = answer(command)
      for line in answer.lines { try console(Array((line + "\r\n").utf8)[...]) }
      return MonitorExit(status: answer.status, timedOut: timedOut, interruptedBy: interruptedBy)
    }
  }

  static func runner(_ fake: FakeRunner, fileSystem: FileSystem = fileSystem, _ programs: Set<String>)
    -> UnikernelRunner
  {
    UnikernelRunner(runner: fake, monitorRunner: fake, fileSystem: fileSystem, locator: locator(programs))
  }

  static let fileSystem = InMemoryFileSystem(files: ["/b/img": "ELF", "/b/img.dbg": "ELF"])

  static func locator(_ programs: Set<String>) -> ExecutableLocator {
    ExecutableLocator(searchPath: ["/bin"], isExecutable: { programs.contains($0) })
  }

  @Test func qemuStatusIsDecodedAndTheConsolePassedThrough() throws {
    let fake = FakeRunner(["qemu-system-x86_64": (["Hello", "world"], (4 << 1) | 1, "")])
    let output = ConsoleBuffer()
    let decoded = try Self.runner(fake, ["/bin/qemu-system-x86_64"]).run(
      RunRequest(target: Target(platform: .qemu, architecture: .x86_64), image: "/b/img"),
      debugImage: nil, timeout: nil, scratchDirectory: "/b", output: output)
    #expect(decoded.status == 3)
    #expect(decoded.explanation == nil)
    #expect(output.text == "Hello\nworld\n")
    #expect(fake.commands.first?.arguments.starts(with: ["-M", "pc"]) == true)
  }

  @Test func timeoutGoesToTheMonitorRunnerAndItsExpiryIsAnError() throws {
    let fake = FakeRunner(["qemu-system-x86_64": ([], 0, "")])
    fake.timedOut = true
    #expect(throws: RunFailure.self) {
      try Self.runner(fake, ["/bin/qemu-system-x86_64"]).run(
        RunRequest(target: Target(platform: .qemu, architecture: .x86_64), image: "/b/img"),
        debugImage: nil, timeout: 5, scratchDirectory: "/b", output: ConsoleBuffer())
    }
    // No coreutils `timeout` wrapper: it would sit between kraft and QEMU.
    #expect(fake.commands.first?.executable == "/bin/qemu-system-x86_64")
    #expect(fake.timeouts == [5])
  }

  @Test func aSignalToKraftBecomes128PlusItAfterTheVMStopped() throws {
    let fake = FakeRunner(["qemu-system-x86_64": (["partial"], 0, "")])
    fake.interruptedBy = SIGTERM
    let decoded = try Self.runner(fake, ["/bin/qemu-system-x86_64"]).run(
      RunRequest(target: Target(platform: .qemu, architecture: .x86_64), image: "/b/img"),
      debugImage: nil, timeout: nil, scratchDirectory: "/b", output: ConsoleBuffer())
    #expect(decoded.status == 128 + SIGTERM)
    #expect(decoded.explanation?.contains("SIGTERM") == true)
  }

  @Test func firecrackerStatusComesFromTheConsole() throws {
    let fake = FakeRunner(["firecracker": (["hi", "kraft: exit status 8"], 0, "")])
    let fileSystem = InMemoryFileSystem(files: ["/b/img": "ELF"])
    let output = ConsoleBuffer()
    let decoded = try Self.runner(fake, fileSystem: fileSystem, ["/bin/firecracker"]).run(
      RunRequest(target: Target(platform: .firecracker, architecture: .x86_64), image: "/b/img"),
      debugImage: nil, timeout: nil, scratchDirectory: "/b", output: output)
    #expect(decoded.status == 7)
    // The status line is kraft's protocol, not the application's output.
    #expect(output.text == "hi\n")
    #expect(fileSystem.allFiles["/b/firecracker.json"]?.contains("\"kernel_image_path\": \"/b/img\"") == true)
  }

  @Test func crashFramesGetFunctionNames() throws {
    let fake = FakeRunner([
      "qemu-system-x86_64": (["backtrace:", "  #0 0x0000000000103961"], (127 << 1) | 1, ""),
      "llvm-symbolizer": ([], 0, "write_through\n/app/main.c:14:5\n\n"),
    ])
    let output = ConsoleBuffer()
    let decoded = try Self.runner(fake, ["/bin/qemu-system-x86_64", "/bin/llvm-symbolizer"]).run(
      RunRequest(target: Target(platform: .qemu, architecture: .x86_64), image: "/b/img"),
      debugImage: "/b/img.dbg", timeout: nil, scratchDirectory: "/b", output: output)
    #expect(decoded.status == 139)
    #expect(output.text == "backtrace:\n  #0 0x0000000000103961 in write_through at /app/main.c:14:5\n")
    #expect(fake.commands.last?.arguments == ["--obj=/b/img.dbg", "--functions=short", "0x0000000000103961"])
  }

  @Test func missingImageSaysToBuild() {
    let runner = Self.runner(FakeRunner([:]), fileSystem: InMemoryFileSystem(), [])
    #expect(throws: RunFailure.self) {
      try runner.run(
        RunRequest(target: Target(platform: .qemu, architecture: .x86_64), image: "/b/img"),
        debugImage: nil, timeout: nil, scratchDirectory: "/b", output: ConsoleBuffer())
    }
  }
}
