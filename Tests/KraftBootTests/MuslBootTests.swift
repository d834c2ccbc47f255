import Foundation
import KraftTestSupport
import Testing

/// The musl examples and the libc conformance image, built with `kraft build` (musl fetched
/// through the mirror in KRAFT_MIRRORS, verified, patched, built) and booted with `kraft run`.
///
/// musl is about 1,400 compilations, so one scratch project is built once per test run and each
/// program is swapped in turn into it: only the program is recompiled, the port's objects are
/// reused. Every phase is recorded, and each test checks its own.
final class MuslPrograms: @unchecked Sendable {
  struct Phase {
    var build: KraftProcess.Result
    var run: KraftProcess.Result?
    /// Programs booted with their own arguments (`boots(of:)`): each boot's result.
    var boots: [[String]: KraftProcess.Result] = [:]
  }

  static let repository = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  static let programs = [
    "examples/musl-stdio", "examples/musl-pthread", "examples/musl-numbers", "examples/musl-time",
    "examples/musl-env", "examples/musl-rootfs", "Tests/Images/libc-conformance",
    PosixProbes.folder, "Tests/Images/musl-guest",
    // Last: they select another allocator (musl's oldmalloc, the mimalloc port), so only the
    // allocator is compiled again for them.
    "Tests/Images/musl-oldmalloc", "Tests/Images/mimalloc",
  ]
  /// Programs built and run on x86_64 only (each costs the arm64 run a rebuild of musl's
  /// objects, served from the compile cache, for no arm64-specific code).
  static let x86_64Only: Set = ["Tests/Images/musl-oldmalloc"]
  /// `kraft run` arguments beyond the defaults, for programs that need them.
  static let runArguments = [
    // A 128 MiB guest, told its size: Linux and Unikraft malloc 64 MiB there. It has a rootfs,
    // which QEMU virt (arm64) loads half-way up RAM.
    "Tests/Images/musl-guest": ["--memory", "128M", "--", "128"],
    "Tests/Images/mimalloc": ["--memory", "128M", "--", "128"],
  ]
  /// Further boots of an already built program, each with these `kraft run` arguments,
  /// recorded in its phase's `boots`: no rebuild, only another QEMU run.
  static let extraBoots = [
    // `-e` adds a variable (a value with spaces and '=') and replaces a Kraftfile one.
    "examples/musl-env": [["-e", "FROM_COMMAND_LINE=two words=one value", "-e", "ANSWER=42"]]
  ]

  /// The `kraft run` arguments of each boot of a program; nil: one boot as the Kraftfile says.
  /// The POSIX probes are compared on x86_64 only (with the host's musl-gcc).
  func boots(of program: String) throws -> [[String]]? {
    guard program == PosixProbes.folder else { return nil }
    return target == "qemu/x86_64" ? try PosixProbes.boots() : []
  }

  /// The one target built and booted (the examples' Kraftfiles name qemu/x86_64; swapIn
  /// puts this one in its place).
  let target: String
  let project: URL
  private(set) var phases: [String: Phase] = [:]

  init(target: String = "qemu/x86_64") throws {
    self.target = target
    let manager = FileManager.default
    project = manager.temporaryDirectory.appendingPathComponent("kraft-musl-\(UUID().uuidString)")
    try manager.createDirectory(at: project, withIntermediateDirectories: true)
    let kernel = ["KRAFT_KERNEL_DIR": Self.repository.appendingPathComponent("Kernel").path]
    for program in Self.programs where target == "qemu/x86_64" || !Self.x86_64Only.contains(program) {
      try swapIn(program)
      let build = try KraftProcess.run(
        ["build", "-t", target], in: project, environment: kernel, timeout: 3600)
      if let boots = try boots(of: program) {
        var results: [[String]: KraftProcess.Result] = [:]
        for arguments in boots where build.status == 0 {
          results[arguments] = try KraftProcess.run(
            ["run", "--timeout", "300"] + arguments, in: project, environment: kernel, timeout: 400)
        }
        phases[program] = Phase(build: build, run: nil, boots: results)
        continue
      }
      let run =
        build.status == 0
        ? try KraftProcess.run(
          ["run", "--timeout", "120"] + Self.runArguments[program, default: []], in: project,
          environment: kernel) : nil
      var extra: [[String]: KraftProcess.Result] = [:]
      for arguments in Self.extraBoots[program, default: []] where build.status == 0 {
        extra[arguments] = try KraftProcess.run(
          ["run", "--timeout", "120"] + arguments, in: project, environment: kernel)
      }
      phases[program] = Phase(build: build, run: run, boots: extra)
    }
    // Every phase is recorded; the build tree (musl's objects) is not needed any more.
    try? manager.removeItem(at: project)
  }

  /// Replaces the project's sources, rootfs and Kraftfile with the program's, keeping one
  /// project name so that the build folder (and musl's objects) stay the same.
  private func swapIn(_ program: String) throws {
    let manager = FileManager.default
    let source = Self.repository.appendingPathComponent(program)
    for name in try manager.contentsOfDirectory(atPath: project.path)
    where name != ".unikraft" {
      try manager.removeItem(at: project.appendingPathComponent(name))
    }
    for name in try manager.contentsOfDirectory(atPath: source.path) where name != ".unikraft" {
      try manager.copyItem(
        at: source.appendingPathComponent(name), to: project.appendingPathComponent(name))
    }
    let kraftfile = project.appendingPathComponent("Kraftfile")
    let text = try String(contentsOf: kraftfile, encoding: .utf8)
    let renamed = text.split(separator: "\n", omittingEmptySubsequences: false).map {
      $0.hasPrefix("name:")
        ? "name: musl-programs" : $0 == "  - qemu/x86_64" ? "  - " + target : String($0)
    }.joined(separator: "\n")
    try renamed.write(to: kraftfile, atomically: true, encoding: .utf8)
  }

  static let shared = SharedFixture { try MuslPrograms() }
  /// The same programs on qemu/arm64.
  static let arm64 = SharedFixture { try MuslPrograms(target: "qemu/arm64") }

  /// The phase of `program`, after checking that it built and ran.
  static func ran(
    _ program: String, in programs: SharedFixture<MuslPrograms> = shared
  ) async throws -> KraftProcess.Result {
    let phase = try #require(try await programs.value.phases[program])
    #expect(phase.build.status == 0, "kraft build of \(program):\n\(phase.build.output)")
    return try #require(phase.run, "\(program) did not build")
  }
}

/// Where the programs run: each architecture's musl (x86_64: patches 0001-0002; arm64: 0003-0004,
/// the binary128 long double routines from the cross libgcc, the initrd from /chosen).
enum MuslTarget: String, CaseIterable, CustomTestStringConvertible, Sendable {
  case x86_64 = "qemu/x86_64"
  case arm64 = "qemu/arm64"

  var testDescription: String { rawValue }

  var programs: SharedFixture<MuslPrograms> {
    self == .x86_64 ? MuslPrograms.shared : MuslPrograms.arm64
  }

  /// Linux system-call numbers differ per architecture; musl passes its own arch's.
  var fanotifyInitNumber: Int { self == .x86_64 ? 300 : 262 }
}

@Suite(.serialized, .tags(.slow), .slowTier) struct MuslBootTests {
  /// The program printed `PASS NAME` for each of `checks`.
  func expectPassed(
    _ checks: [String], in run: KraftProcess.Result, sourceLocation: SourceLocation = #_sourceLocation
  ) {
    for check in checks {
      #expect(run.stdout.contains("PASS \(check)"), "\(run.output)", sourceLocation: sourceLocation)
    }
  }

  @Test(arguments: MuslTarget.allCases) func stdioAndMallocAtScale(on target: MuslTarget) async throws {
    let run = try await MuslPrograms.ran("examples/musl-stdio", in: target.programs)
    #expect(run.status == 0, "\(run.output)")
    #expect(run.stdout.contains("allocated 20000 blocks"))
    #expect(run.stdout.contains("line 5 of 5: odd"))
    #expect(run.stdout.contains("stdio: ok"))
  }

  @Test(arguments: MuslTarget.allCases)
  func pthreadWorkersWithMutexAndCondvar(on target: MuslTarget) async throws {
    let run = try await MuslPrograms.ran("examples/musl-pthread", in: target.programs)
    #expect(run.status == 0, "\(run.output)")
    #expect(run.stdout.contains("counter = 80000 (want 80000)"))
    #expect(run.stdout.contains("consumer sum = 5050 (want 5050)"))
    #expect(run.stdout.contains("pthread: ok"))
  }

  @Test(arguments: MuslTarget.allCases)
  func qsortStrtodAndFloatingPointPrintf(on target: MuslTarget) async throws {
    let run = try await MuslPrograms.ran("examples/musl-numbers", in: target.programs)
    #expect(run.status == 0, "\(run.output)")
    #expect(run.stdout.contains("pi is about 3.141593, e is about 2.71828"))
    #expect(run.stdout.contains("numbers: ok"))
  }

  @Test(arguments: MuslTarget.allCases) func timeAndNanosleep(on target: MuslTarget) async throws {
    let run = try await MuslPrograms.ran("examples/musl-time", in: target.programs)
    #expect(run.status == 0, "\(run.output)")
    #expect(run.stdout.contains("took at least 0.2 s: yes"))
    #expect(run.stdout.contains("time: ok"))
  }

  @Test(arguments: MuslTarget.allCases)
  func getenvSeesTheKraftfilesEnv(on target: MuslTarget) async throws {
    let run = try await MuslPrograms.ran("examples/musl-env", in: target.programs)
    #expect(run.status == 0, "\(run.output)")
    #expect(run.stdout.contains("GREETING=hello from the Kraftfile"))
    #expect(run.stdout.contains("ANSWER=42"))
    #expect(run.stdout.contains("env: ok"))

    // The same image booted again with `-e`: one more variable, its value whole, and the
    // Kraftfile's ANSWER replaced rather than repeated.
    let arguments = try #require(MuslPrograms.extraBoots["examples/musl-env"]?.first)
    let phase = try #require(try await target.programs.value.phases["examples/musl-env"])
    let again = try #require(phase.boots[arguments], "the -e boot did not run")
    #expect(again.status == 0, "\(again.output)")
    #expect(again.stdout.contains(": FROM_COMMAND_LINE=two words=one value\n"), "\(again.output)")
    #expect(again.stdout.components(separatedBy: ": ANSWER=").count == 2, "\(again.output)")
    #expect(again.stdout.contains("env: ok"))
    let count = { (output: String) in output.split(separator: "\n").first { $0.hasSuffix(" variables") } }
    let before = try #require(count(run.stdout).flatMap { Int($0.prefix { $0.isNumber }) })
    #expect(count(again.stdout) == "\(before + 1) variables", "\(again.output)")
  }

  @Test(arguments: MuslTarget.allCases)
  func readsFilesFromTheRootfsInitrd(on target: MuslTarget) async throws {
    let run = try await MuslPrograms.ran("examples/musl-rootfs", in: target.programs)
    #expect(run.status == 0, "\(run.output)")
    #expect(run.stdout.contains("motd: This file came from the rootfs."))
    #expect(run.stdout.contains("/data/a.txt: 4 bytes"))
    // The rootfs's own /tmp (with a file) replaces the default one and stays writable.
    #expect(run.stdout.contains("/tmp/cache.txt: kept from the rootfs"))
    #expect(run.stdout.contains("rootfs: ok"))
  }

  @Test(arguments: MuslTarget.allCases)
  func mallocTakesNearlyAllGuestMemory(on target: MuslTarget) async throws {
    let run = try await MuslPrograms.ran("Tests/Images/musl-guest", in: target.programs)
    expectPassed(
      [
        "malloc(64 MiB) and write it", "1 MiB blocks fill 3/4 of the guest",
        "freed blocks can be allocated again", "one block of 3/4 of the guest",
        "an mmap handed out again reads zeros",
      ], in: run)
  }

  @Test func oldmallocUnderAMallocHeavyLoad() async throws {
    let run = try await MuslPrograms.ran("Tests/Images/musl-oldmalloc")
    expectPassed(
      [
        "the allocator is oldmalloc", "100000 mixed mallocs and frees keep their contents",
        "small blocks freed and taken again stay whole", "realloc grows to 8 MiB and shrinks",
        "calloc zeroes reused memory", "64 blocks of 4 MiB, each freed",
      ], in: run)
    #expect(run.status == 0, "\(run.output)")
    #expect(run.stdout.contains("oldmalloc: ok"))
  }

  @Test(arguments: MuslTarget.allCases)
  func mimallocReplacesMuslsAllocator(on target: MuslTarget) async throws {
    let run = try await MuslPrograms.ran("Tests/Images/mimalloc", in: target.programs)
    expectPassed(
      [
        "malloc is mimalloc 2.0.9", "20000 mixed mallocs and frees keep their contents",
        "realloc grows to 8 MiB and shrinks", "calloc zeroes reused memory",
        "posix_memalign and aligned_alloc align",
        "4 threads allocate and free at once, and free each other's blocks",
        "one block of 96 MiB (3/4 of the guest), twice",
      ], in: run)
    #expect(run.status == 0, "\(run.output)")
    #expect(run.stdout.contains("mimalloc: ok"))
  }

  @Test(arguments: MuslTarget.allCases)
  func defaultFilesTmpAndDevices(on target: MuslTarget) async throws {
    let run = try await MuslPrograms.ran("Tests/Images/musl-guest", in: target.programs)
    expectPassed(
      [
        "the rootfs is there", "/tmp is a directory", "write /tmp/x", "read /tmp/x back", "unlink /tmp/x",
        "/dev/null swallows writes and reads empty", "/dev/zero reads zeros",
        "/dev/urandom reads varied bytes",
      ], in: run)
    #expect(run.status == 0, "\(run.output)")
    #expect(run.stdout.contains("guest: ok"))
  }

  @Test(arguments: MuslTarget.allCases)
  func readOnlyFileMappingsAreTheInitrdsBytesInPlace(on target: MuslTarget) async throws {
    let run = try await MuslPrograms.ran("Tests/Images/musl-guest", in: target.programs)
    expectPassed(
      [
        "read /etc/pages.txt whole", "a read-only mapping of a file reads as read() does",
        "the rest of its last page reads zeros",
        "read-only mappings of an initrd file are its bytes in place, not copies",
        "mprotect refuses to make a file's bytes in place writable", "a private writable mapping is a copy",
        "writing the copy leaves the file as it was", "munmap of mappings in place",
        "the file reads the same after munmap",
      ], in: run)
    #expect(run.status == 0, "\(run.output)")
  }

  @Test(arguments: MuslTarget.allCases)
  func procSelfExeFdsCmdlineAndMeminfo(on target: MuslTarget) async throws {
    let run = try await MuslPrograms.ran("Tests/Images/musl-guest", in: target.programs)
    expectPassed(
      [
        "readlink /proc/self/exe is the program", "/proc/self/fd lists an open file",
        "/proc/self/fd/N reads as the file's path", "/proc/self/fd/N is gone once N is closed",
        "/proc/self/fd/N of a pipe reads as pipe:[N]", "/proc/self/cmdline is argv, NUL-separated",
        "/proc/self/environ is the environment, NUL-separated", "/proc/meminfo has MemTotal",
        "/proc is read-only",
      ], in: run)
    // argv[0] is the kernel's CONFIG_KCORE_APP_NAME ("app" by default).
    #expect(run.stdout.contains("/proc/self/exe -> /app\n"), "\(run.output)")
    #expect(run.stdout.contains(" -> /etc/guest.txt\n"), "\(run.output)")
  }

  @Test(arguments: MuslTarget.allCases) func conformanceChecksAllPass(on target: MuslTarget) async throws {
    let run = try await MuslPrograms.ran("Tests/Images/libc-conformance", in: target.programs)
    #expect(run.status == 0, "\(run.output)")
    let summary = try #require(
      run.stdout.split(separator: "\n").last { $0.hasSuffix(" failed") }, "no summary line")
    let numbers = summary.split(separator: " ").compactMap { Int($0) }
    #expect(numbers.count == 2 && numbers[0] >= 150 && numbers[1] == 0, "summary: \(summary)")
    #expect(!run.stdout.contains("\nFAIL "))
  }

  @Test(arguments: MuslTarget.allCases)
  func unimplementedSystemCallIsENOSYSAndLoggedOnce(on target: MuslTarget) async throws {
    let run = try await MuslPrograms.ran("Tests/Images/libc-conformance", in: target.programs)
    // The program calls fanotify_init twice; both see ENOSYS, the kernel logs it once.
    #expect(run.stdout.contains("PASS unimplemented syscall ENOSYS"))
    #expect(run.stdout.contains("PASS unimplemented syscall again ENOSYS"))
    let logged = run.output.components(
      separatedBy: "syscall 'fanotify_init' (\(target.fanotifyInitNumber)) is not implemented")
    #expect(logged.count - 1 == 1, "\(run.output)")
  }
}
