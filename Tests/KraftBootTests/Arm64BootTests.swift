import Foundation
import KraftTestSupport
import Testing

/// arm64 as users boot it: `kraft build` of a project whose Kraftfile lists arm64 targets, then
/// `kraft run --target qemu/arm64` (QEMU TCG `virt`, semihosting exit). A few tests start QEMU
/// themselves, for what `kraft run` does not choose: GICv3, the Linux Image file booted with
/// the device tree in x0, and a run without `-semihosting` (PSCI power-off).
@Suite(.tags(.slow), .slowTier) struct Arm64BootTests {
  /// A copy of a project with its `targets:` list replaced, built once per test run.
  final class Arm64Project: @unchecked Sendable {
    let scratch: ScratchProject
    let build: KraftProcess.Result

    init(copying source: String, targets: [String]) throws {
      scratch = try ScratchProject(copying: source)
      let kraftfile = scratch.url.appendingPathComponent("Kraftfile")
      let text = try String(contentsOf: kraftfile, encoding: .utf8)
      guard let range = text.range(of: #"(?m)^targets:\n(  - .*\n?)+"#, options: .regularExpression) else {
        throw ProjectError(description: "no 'targets:' list in \(source)/Kraftfile")
      }
      let list = "targets:\n" + targets.map { "  - \($0)\n" }.joined()
      try text.replacingCharacters(in: range, with: list).write(
        to: kraftfile, atomically: true, encoding: .utf8)
      build = try KraftProcess.run(["build"], in: scratch.url, timeout: 600)
    }

    func requireBuilt() throws {
      try #require(build.status == 0, "kraft build failed (\(build.status)):\n\(build.output)")
    }

    func run(target: String = "qemu/arm64", _ appArguments: [String] = []) throws -> KraftProcess.Result {
      var arguments = ["run", "--target", target, "--timeout", "120"]
      if !appArguments.isEmpty { arguments += ["--"] + appArguments }
      return try KraftProcess.run(arguments, in: scratch.url, timeout: 300)
    }

    func output(_ name: String) -> URL { scratch.url.appendingPathComponent(".unikraft/build/" + name) }

    static let allTargets = ["qemu/x86_64", "fc/x86_64", "qemu/arm64", "fc/arm64", "xen/x86_64"]
    static let helloworld = SharedFixture {
      try Arm64Project(copying: "examples/helloworld", targets: allTargets)
    }
    static let ktest = SharedFixture {
      try Arm64Project(copying: "Tests/Images/ktest", targets: ["qemu/arm64"])
    }
    static let crash = SharedFixture {
      try Arm64Project(copying: "Tests/Images/crash", targets: ["qemu/arm64"])
    }
  }

  struct ProjectError: Error, CustomStringConvertible {
    var description: String
  }

  static func lines(_ text: String) -> [String] {
    text.split(separator: "\n", omittingEmptySubsequences: false).map {
      $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
    }
  }

  /// The "N passed, N failed" line's counts, or nil.
  static func summary(_ text: String) -> (passed: Int, failed: Int)? {
    for line in lines(text) {
      let words = line.split(separator: " ")
      if words.count == 4, words[1] == "passed,", words[3] == "failed", let p = Int(words[0]),
        let f = Int(words[2])
      {
        return (p, f)
      }
    }
    return nil
  }

  /// QEMU for arm64 run directly, as `kraft run` would but with extra machine options.
  static func qemu(_ image: URL, machine: String, semihosting: Bool = true, append: String? = nil) throws
    -> KraftProcess.Result
  {
    var arguments = [
      "-M", machine, "-cpu", "cortex-a53", "-m", "128M", "-nographic", "-no-reboot", "-kernel", image.path,
    ]
    if semihosting { arguments.append("-semihosting") }
    if let append { arguments += ["-append", append] }
    return try HostProcess.run("qemu-system-aarch64", arguments)
  }

  @Test func oneBuildMakesAnImageForEveryTarget() async throws {
    let project = try await Arm64Project.helloworld.value
    try project.requireBuilt()
    for name in ["qemu-x86_64", "fc-x86_64", "qemu-arm64", "fc-arm64", "xen-x86_64"] {
      let image = project.output("helloworld_\(name)")
      #expect(FileManager.default.fileExists(atPath: image.path), "no image for \(name)")
      #expect(FileManager.default.fileExists(atPath: image.path + ".dbg"), "no .dbg for \(name)")
    }
  }

  @Test func helloworldBootsOnQemuVirt() async throws {
    let project = try await Arm64Project.helloworld.value
    try project.requireBuilt()
    let run = try project.run()
    #expect(run.status == 0, "kraft run:\n\(run.output)")
    #expect(Self.lines(run.stdout).contains("Hello, world!"), "\(run.output)")
  }

  @Test func inKernelTestsPassOnGICv2() async throws {
    let project = try await Arm64Project.ktest.value
    try project.requireBuilt()
    let run = try project.run()
    let counts = try #require(Self.summary(run.stdout), "no summary line in:\n\(run.output)")
    #expect(counts.passed >= 20 && counts.failed == 0, "\(run.output)")
    // The arm64 and device-tree tests are part of the image on this architecture.
    #expect(Self.lines(run.stdout).contains { $0.hasPrefix("PASS arm64.") }, "\(run.output)")
    #expect(Self.lines(run.stdout).contains { $0.hasPrefix("PASS fdt.") }, "\(run.output)")
    #expect(run.status == 0, "kraft run exited \(run.status):\n\(run.output)")
  }

  /// The Linux Image file (what Firecracker also loads), with the device tree in x0, on a
  /// GICv3 machine: QEMU exits with V itself (1: status 0) through semihosting.
  @Test func inKernelTestsPassFromTheImageFileOnGICv3() async throws {
    let project = try await Arm64Project.ktest.value
    try project.requireBuilt()
    let image = try LinuxImage.make(from: project.output("ktest_qemu-arm64.dbg"))
    let run = try Self.qemu(image, machine: "virt,gic-version=3", append: "loglevel=debug --")
    #expect(run.stdout.contains("gic: version 3"), "\(run.output)")
    #expect(run.stdout.contains("booted via devicetree"))
    let counts = try #require(Self.summary(run.stdout), "no summary line in:\n\(run.output)")
    #expect(counts.passed >= 20 && counts.failed == 0, "\(run.output)")
    #expect(run.status == 1, "QEMU exited \(run.status), not V = 1:\n\(run.output)")
  }

  @Test func withoutSemihostingTheVMPowersOffThroughPSCI() async throws {
    let project = try await Arm64Project.helloworld.value
    try project.requireBuilt()
    let run = try Self.qemu(project.output("helloworld_qemu-arm64"), machine: "virt", semihosting: false)
    #expect(run.stdout.contains("Hello, world!"), "\(run.output)")
    // PSCI SYSTEM_OFF: QEMU exits 0, which kraft run reads as "no status reported".
    #expect(run.status == 0, "QEMU exited \(run.status):\n\(run.output)")
  }

  @Test func nullDereferencePrintsTheCrashReport() async throws {
    let project = try await Arm64Project.crash.value
    try project.requireBuilt()
    let run = try project.run()
    let lines = Self.lines(run.output)
    #expect(run.status == 139, "kraft run exited \(run.status):\n\(run.output)")
    #expect(lines.contains { $0.hasPrefix("[crit] kernel crash: data abort (esr 0x") }, "\(run.output)")
    #expect(lines.contains("(a NULL pointer dereference)"))
    #expect(lines.contains { $0.hasPrefix("elr 0x") && $0.contains("far 0x0000000000000000") })
    #expect(lines.contains { $0.hasPrefix("x0  0x") })
    let frames = lines.filter {
      $0.range(of: #"^  #[0-9]+ 0x[0-9a-f]{16}"#, options: .regularExpression) != nil
    }
    #expect(frames.count >= 3, "backtrace too short:\n\(run.output)")
    // kraft run symbolises the frames from the .dbg file: the faulting function and its caller.
    #expect(run.output.contains("write_through") && run.output.contains(" main "), "\(run.output)")
    #expect(!run.output.contains("still alive"))
  }

  /// The boot stack's guard page and a thread stack's (the scheduler's guard pages).
  @Test(arguments: ["overflow", "thread-overflow"])
  func stackOverflowIsReportedAsSuch(mode: String) async throws {
    let project = try await Arm64Project.crash.value
    try project.requireBuilt()
    let run = try project.run([mode])
    #expect(run.status == 139, "kraft run exited \(run.status):\n\(run.output)")
    #expect(run.output.contains("kernel crash: data abort (esr 0x"), "\(run.output)")
    #expect(run.output.contains("): stack overflow"), "\(run.output)")
  }

  /// W^X: code and constants are read-only, data, stacks and the heap are not executable.
  @Test(arguments: [
    ("write-text", "data abort", "(a write to read-only memory)"),
    ("write-rodata", "data abort", "(a write to read-only memory)"),
    ("exec-data", "instruction abort", "(an instruction fetch from memory that is not executable)"),
    ("exec-stack", "instruction abort", "(an instruction fetch from memory that is not executable)"),
    ("exec-heap", "instruction abort", "(an instruction fetch from memory that is not executable)"),
  ])
  func writeOrExecuteViolationIsACrash(mode: String, abort: String, cause: String) async throws {
    let project = try await Arm64Project.crash.value
    try project.requireBuilt()
    let run = try project.run([mode])
    #expect(run.status == 139, "kraft run exited \(run.status):\n\(run.output)")
    #expect(run.output.contains("kernel crash: \(abort) (esr 0x"), "\(run.output)")
    #expect(Self.lines(run.output).contains(cause), "\(run.output)")
    #expect(!run.output.contains("still alive"))
  }

  @Test func exitStatusesCrossTheHostBoundary() async throws {
    let project = try await Arm64Project.crash.value
    try project.requireBuilt()
    for (arguments, expected) in [
      (["exit", "7"], 7), (["exit", "0"], 0), (["exit", "300"], 124), (["abort"], 134),
    ] {
      let run = try project.run(arguments)
      #expect(
        run.status == Int32(expected),
        "\(arguments.joined(separator: " ")) gave \(run.status):\n\(run.output)")
    }
  }
}

/// Turns a linked arm64 ELF into a Linux Image with llvm-objcopy, as `image-format: binary`
/// asks the build to do.
enum LinuxImage {
  static func make(from elf: URL) throws -> URL {
    let image = elf.deletingPathExtension().appendingPathExtension("test-image")
    let objcopy = HostProcess.find("llvm-objcopy") ?? "/opt/swift/usr/bin/llvm-objcopy"
    let result = try HostProcess.run(objcopy, ["-O", "binary", elf.path, image.path])
    try #require(result.status == 0, "llvm-objcopy failed:\n\(result.output)")
    return image
  }
}

/// Another program than kraft (QEMU, llvm-objcopy), found on PATH.
enum HostProcess {
  static func find(_ name: String) -> String? {
    if name.hasPrefix("/") { return name }
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    return path.split(separator: ":").map { "\($0)/\(name)" }.first {
      FileManager.default.isExecutableFile(atPath: $0)
    }
  }

  static func run(_ name: String, _ arguments: [String], timeout: TimeInterval = 120) throws
    -> KraftProcess.Result
  {
    let program = try #require(find(name), "'\(name)' is not installed")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: program)
    process.arguments = arguments
    process.standardInput = FileHandle.nullDevice
    let output = FileManager.default.temporaryDirectory.appendingPathComponent(
      "kraft-host-\(UUID().uuidString)")
    FileManager.default.createFile(atPath: output.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: output) }
    let handle = try FileHandle(forWritingTo: output)
    process.standardOutput = handle
    process.standardError = handle
    try process.run()
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
    if process.isRunning {
      process.terminate()
      process.waitUntilExit()
      throw KraftProcess.TimedOut(arguments: [name] + arguments, seconds: timeout)
    }
    try handle.close()
    let text = String(decoding: try Data(contentsOf: output), as: UTF8.self)
    return KraftProcess.Result(status: process.terminationStatus, stdout: text, stderr: "")
  }
}
