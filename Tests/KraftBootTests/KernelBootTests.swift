import Foundation
import KraftTestSupport
import Testing

/// The kernel booted as users boot it: `kraft build` on a copy of a test image project, then
/// `kraft run` on QEMU TCG for `qemu/x86_64` (the `pc` machine, Multiboot entry) and
/// `fc/x86_64` (QEMU `microvm` when Firecracker is not installed, PVH entry).
@Suite(.tags(.slow), .slowTier) struct KernelBootTests {
  static let targets = ["qemu/x86_64", "fc/x86_64"]

  @Test(arguments: targets)
  func inKernelTestsAllPass(target: String) async throws {
    let image = try await KernelImages.ktest.value
    try image.requireBuilt()
    let result = try image.run(target: target)
    let lines = KernelImages.lines(result.stdout)

    let summary = try #require(
      lines.first { $0.range(of: #"^[0-9]+ passed, [0-9]+ failed$"#, options: .regularExpression) != nil },
      "no 'N passed, N failed' line in:\n\(result.output)")
    let counts = summary.split(separator: " ").compactMap {
      Int($0.trimmingCharacters(in: .punctuationCharacters))
    }
    #expect(counts.count == 2 && counts[0] >= 20, "too few tests ran: \(summary)")
    #expect(
      counts.last == 0, "\(summary):\n\(lines.filter { $0.hasPrefix("FAIL ") }.joined(separator: "\n"))")
    #expect(lines.filter { $0.hasPrefix("PASS ") }.count == counts.first)
    #expect(result.status == 0, "kraft run exited \(result.status):\n\(result.output)")
  }

  /// `ktest=<glob>` on the kernel command line selects tests by `suite.name`.
  @Test func kernelArgumentSelectsTests() async throws {
    let image = try await KernelImages.ktest.value
    try image.requireBuilt()
    let result = try image.run(target: "fc/x86_64", kernelArguments: ["ktest=string.*"])
    let lines = KernelImages.lines(result.stdout)
    let ran = lines.filter { $0.hasPrefix("PASS ") || $0.hasPrefix("FAIL ") }

    #expect(!ran.isEmpty && ran.allSatisfy { $0.hasPrefix("PASS string.") }, "\(result.output)")
    #expect(lines.contains("\(ran.count) passed, 0 failed"))
    #expect(result.status == 0)
  }

  /// The allocator tests use only the allocation interface, so they must pass with the other
  /// allocator too (picked the way a user would, through its CONFIG_LIB option).
  @Test func inKernelTestsPassWithRegionAllocator() async throws {
    let image = try await KernelImages.ktestRegion.value
    try image.requireBuilt()
    let result = try image.run(target: "qemu/x86_64", kernelArguments: ["loglevel=info"])
    let lines = KernelImages.lines(result.stdout)

    #expect(lines.contains { $0.contains("allocator 'region'") }, "\(result.output)")
    #expect(lines.contains { $0.hasPrefix("PASS alloc.") })
    #expect(lines.contains { $0.hasSuffix(" passed, 0 failed") }, "\(result.output)")
    #expect(result.status == 0, "kraft run exited \(result.status):\n\(result.output)")
  }

  @Test(arguments: targets)
  func nullDereferencePrintsCrashReport(target: String) async throws {
    let image = try await KernelImages.crash.value
    try image.requireBuilt()
    let result = try image.run(target: target)
    let lines = KernelImages.lines(result.output)

    #expect(
      result.status == Int32(KernelABI.shared["KRAFT_HOST_STATUS_CRASH"]),
      "kraft run exited \(result.status):\n\(result.output)")
    #expect(lines.contains("[crit] kernel crash: page fault (vector 14)"), "\(result.output)")
    #expect(lines.contains("(a NULL pointer dereference)"))
    #expect(
      lines.contains { $0.hasPrefix("error code 0x2  rip 0x") && $0.hasSuffix("cr2 0x0000000000000000") })
    #expect(lines.contains { $0.hasPrefix("rax 0x") })
    let frames = lines.filter {
      $0.range(of: #"^  #[0-9]+ 0x[0-9a-f]{16}"#, options: .regularExpression) != nil
    }
    #expect(frames.count >= 3, "backtrace too short:\n\(result.output)")
    #expect(!result.output.contains("still alive"))
  }

  /// The boot stack and a thread's stack both end in a guard page.
  @Test(arguments: ["overflow", "thread-overflow"])
  func stackOverflowIsReportedAsSuch(mode: String) async throws {
    let image = try await KernelImages.crash.value
    try image.requireBuilt()
    let result = try image.run(target: "qemu/x86_64", appArguments: [mode])

    #expect(
      result.status == Int32(KernelABI.shared["KRAFT_HOST_STATUS_CRASH"]),
      "kraft run exited \(result.status):\n\(result.output)")
    #expect(
      result.output.contains("kernel crash: page fault (vector 14): stack overflow"), "\(result.output)")
  }

  /// W^X: code and constants are read-only, data, stacks and the heap are not executable. (The
  /// page tables are set up alike on every x86 platform; the other crash tests boot fc too.)
  @Test(arguments: [
    ("write-text", "(a write to read-only memory)"),
    ("write-rodata", "(a write to read-only memory)"),
    ("exec-data", "(an instruction fetch from memory that is not executable)"),
    ("exec-stack", "(an instruction fetch from memory that is not executable)"),
    ("exec-heap", "(an instruction fetch from memory that is not executable)"),
  ])
  func writeOrExecuteViolationIsACrash(mode: String, cause: String) async throws {
    let image = try await KernelImages.crash.value
    try image.requireBuilt()
    let result = try image.run(target: "qemu/x86_64", appArguments: [mode])
    let lines = KernelImages.lines(result.output)

    #expect(
      result.status == Int32(KernelABI.shared["KRAFT_HOST_STATUS_CRASH"]),
      "kraft run exited \(result.status):\n\(result.output)")
    #expect(lines.contains("[crit] kernel crash: page fault (vector 14)"), "\(result.output)")
    #expect(lines.contains(cause), "\(result.output)")
    #expect(!result.output.contains("still alive"))
  }

  /// The kernel running out of memory where it cannot go on is a crash with a clear message.
  @Test func kernelOutOfMemoryPanics() async throws {
    let image = try await KernelImages.crash.value
    try image.requireBuilt()
    let result = try image.run(target: "fc/x86_64", appArguments: ["oom"])
    let lines = KernelImages.lines(result.output)

    #expect(
      result.status == Int32(KernelABI.shared["KRAFT_HOST_STATUS_CRASH"]),
      "kraft run exited \(result.status):\n\(result.output)")
    #expect(
      lines.contains { $0.hasPrefix("[crit] kernel crash: panic: out of memory: the crash test needs") })
    #expect(lines.contains { $0.hasPrefix("  #0 0x") }, "\(result.output)")
  }

  @Test(arguments: targets)
  func exitStatusesCrossTheHostBoundary(target: String) async throws {
    let image = try await KernelImages.crash.value
    try image.requireBuilt()
    // (app arguments, kraft run's status), as abi.h defines them: the app's own status, the
    // clamp of larger ones, abort.
    let abi = KernelABI.shared
    let cases: [([String], Int)] = [
      (["exit", "7"], 7), (["exit", "0"], 0), (["exit", "300"], abi["KRAFT_EXIT_APP_MAX"]),
      (["abort"], abi["KRAFT_HOST_STATUS_ABORT"]),
    ]
    for (arguments, expected) in cases {
      let result = try image.run(target: target, appArguments: arguments)
      #expect(
        result.status == Int32(expected),
        "\(arguments.joined(separator: " ")) on \(target) gave \(result.status):\n\(result.output)")
    }
  }
}

/// A test image project copied to a scratch folder and built once per test run (one `kraft
/// build` compiles every target its Kraftfile lists), then booted by the tests that need it.
final class BuiltImageProject: @unchecked Sendable {
  let project: ScratchProject
  let build: KraftProcess.Result

  /// `kconfig` lines are added to the copy's top-level `kconfig:` block before building.
  /// `timeout`: images with ports (musl, lwIP) compile thousands of files.
  init(copying source: String, kconfig: [String] = [], timeout: TimeInterval = 600) throws {
    project = try ScratchProject(copying: source)
    if !kconfig.isEmpty {
      let kraftfile = project.url.appendingPathComponent("Kraftfile")
      let text = try String(contentsOf: kraftfile, encoding: .utf8)
      let added = kconfig.map { "  " + $0 }.joined(separator: "\n")
      try text.replacingOccurrences(of: "kconfig:\n", with: "kconfig:\n" + added + "\n")
        .write(to: kraftfile, atomically: true, encoding: .utf8)
    }
    build = try KraftProcess.run(["build"], in: project.url, timeout: timeout)
  }

  func requireBuilt() throws {
    try #require(build.status == 0, "kraft build failed (\(build.status)):\n\(build.output)")
  }

  /// `kraft run` of one target; app arguments go after `--`.
  func run(target: String, kernelArguments: [String] = [], appArguments: [String] = []) throws
    -> KraftProcess.Result
  {
    var arguments = ["run", "--target", target, "--timeout", "120"]
    for argument in kernelArguments { arguments += ["--kernel-arg", argument] }
    if !appArguments.isEmpty { arguments += ["--"] + appArguments }
    return try KraftProcess.run(arguments, in: project.url, timeout: 300)
  }
}

enum KernelImages {
  /// Built lazily, once, on first use: Swift runs a static initialiser exactly once.
  static let ktest = SharedFixture { try BuiltImageProject(copying: "Tests/Images/ktest") }
  static let ktestRegion = SharedFixture {
    try BuiltImageProject(copying: "Tests/Images/ktest", kconfig: [#"CONFIG_LIBALLOC_REGION: "y""#])
  }
  static let crash = SharedFixture { try BuiltImageProject(copying: "Tests/Images/crash") }

  /// Console lines without the serial line's CR.
  static func lines(_ text: String) -> [String] {
    text.split(separator: "\n", omittingEmptySubsequences: false).map {
      $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
    }
  }
}
