import KraftBasics
import KraftBuild
import KraftModel
import Testing

/// `kraft run`'s logic with a fake monitor: which command runs, how the console is passed on,
/// how statuses are decoded, and how crash frames are symbolised.
@Suite struct UnikernelRunnerTests {
  /// Answers each command by its program's name: console lines and an exit status.
  final class FakeRunner: ProcessRunner, @unchecked Sendable {
    var script: [String: (lines: [String], status: Int32, stdout: String)]
    var commands: [ProcessCommand] = []

    init(_ script: [String: (lines: [String], status: Int32, stdout: String)]) {
      self.script = script
    }

    func run(_ command: ProcessCommand, output: ProcessOutputMode) throws -> ProcessResult {
      commands.append(command)
      let name = String(command.executable.split(separator: "/").last ?? "")
      let answer = script[name] ?? ([], 127, "")
      if case .lines(let handler) = output { answer.lines.forEach(handler) }
      return ProcessResult(status: answer.status, stdout: answer.stdout)
    }
  }

  static let fileSystem = InMemoryFileSystem(files: ["/b/img": "ELF", "/b/img.dbg": "ELF"])

  static func locator(_ programs: Set<String>) -> ExecutableLocator {
    ExecutableLocator(searchPath: ["/bin"], isExecutable: { programs.contains($0) })
  }

  @Test func qemuStatusIsDecodedAndTheConsolePassedThrough() throws {
    let fake = FakeRunner(["qemu-system-x86_64": (["Hello\r", "world"], (4 << 1) | 1, "")])
    let output = TextBuffer()
    let decoded = try UnikernelRunner(
      runner: fake, fileSystem: Self.fileSystem, locator: Self.locator(["/bin/qemu-system-x86_64"])
    ).run(
      RunRequest(target: Target(platform: .qemu, architecture: .x86_64), image: "/b/img"),
      debugImage: nil, timeout: nil, scratchDirectory: "/b", output: output)
    #expect(decoded.status == 3)
    #expect(decoded.explanation == nil)
    #expect(output.text == "Hello\nworld\n")
    #expect(fake.commands.first?.arguments.starts(with: ["-M", "pc"]) == true)
  }

  @Test func timeoutWrapsTheMonitorAndItsExpiryIsAnError() throws {
    let fake = FakeRunner(["timeout": ([], 124, "")])
    let runner = UnikernelRunner(
      runner: fake, fileSystem: Self.fileSystem,
      locator: Self.locator(["/bin/qemu-system-x86_64", "/bin/timeout"]))
    #expect(throws: RunFailure.self) {
      try runner.run(
        RunRequest(target: Target(platform: .qemu, architecture: .x86_64), image: "/b/img"),
        debugImage: nil, timeout: 5, scratchDirectory: "/b", output: TextBuffer())
    }
    #expect(
      fake.commands.first?.arguments.prefix(5) == ["--foreground", "-k", "5", "5", "/bin/qemu-system-x86_64"])
  }

  @Test func firecrackerStatusComesFromTheConsole() throws {
    let fake = FakeRunner(["firecracker": (["hi", "kraft: exit status 8"], 0, "")])
    let fileSystem = InMemoryFileSystem(files: ["/b/img": "ELF"])
    let decoded = try UnikernelRunner(
      runner: fake, fileSystem: fileSystem, locator: Self.locator(["/bin/firecracker"])
    ).run(
      RunRequest(target: Target(platform: .firecracker, architecture: .x86_64), image: "/b/img"),
      debugImage: nil, timeout: nil, scratchDirectory: "/b", output: TextBuffer())
    #expect(decoded.status == 7)
    #expect(fileSystem.allFiles["/b/firecracker.json"]?.contains("\"kernel_image_path\": \"/b/img\"") == true)
  }

  @Test func crashFramesGetFunctionNames() throws {
    let fake = FakeRunner([
      "qemu-system-x86_64": (["backtrace:", "  #0 0x0000000000103961"], (127 << 1) | 1, ""),
      "llvm-symbolizer": ([], 0, "write_through\n/app/main.c:14:5\n\n"),
    ])
    let output = TextBuffer()
    let decoded = try UnikernelRunner(
      runner: fake, fileSystem: Self.fileSystem,
      locator: Self.locator(["/bin/qemu-system-x86_64", "/bin/llvm-symbolizer"])
    ).run(
      RunRequest(target: Target(platform: .qemu, architecture: .x86_64), image: "/b/img"),
      debugImage: "/b/img.dbg", timeout: nil, scratchDirectory: "/b", output: output)
    #expect(decoded.status == 139)
    #expect(output.text == "backtrace:\n  #0 0x0000000000103961 in write_through at /app/main.c:14:5\n")
    #expect(fake.commands.last?.arguments == ["--obj=/b/img.dbg", "--functions=short", "0x0000000000103961"])
  }

  @Test func missingImageSaysToBuild() {
    let runner = UnikernelRunner(
      runner: FakeRunner([:]), fileSystem: InMemoryFileSystem(), locator: Self.locator([]))
    #expect(throws: RunFailure.self) {
      try runner.run(
        RunRequest(target: Target(platform: .qemu, architecture: .x86_64), image: "/b/img"),
        debugImage: nil, timeout: nil, scratchDirectory: "/b", output: TextBuffer())
    }
  }
}
