import Foundation
import KraftTestSupport
import Testing

/// Issue 16 end to end, as a user would do it: `kraft init --template python`, `kraft build`,
/// `kraft run` with a script, `-c`, the environment and exit statuses; then a script checking
/// threads, time, files and the built-in extension modules.
///
/// CPython with musl is about 1,500 compilations per architecture, so each is built once per
/// test run and every check boots that one image: the template's project on x86_64, and on
/// arm64 a fresh `kraft init` project to which `kraft port add python3` was applied (its
/// x86_64 build is then served by the compile cache from the template's).
final class PythonProject: @unchecked Sendable {
  let root: URL
  let project: URL
  let initResult: KraftProcess.Result
  let build: KraftProcess.Result
  let buildSeconds: TimeInterval
  /// Each boot by name: its `kraft run` arguments after `-t qemu/x86_64`.
  var runs: [String: KraftProcess.Result] = [:]

  static let boots: [(name: String, arguments: [String])] = [
    ("script", []),
    ("command", ["--", "-c", "print(6 * 7)"]),
    ("exit", ["--", "-c", "import sys; sys.exit(7)"]),
    ("uncaught", ["--", "-c", "raise ValueError('kraft test')"]),
    ("env", ["-e", "KRAFT_GREETING=salut", "--", "-c", "import os; print(os.environ['KRAFT_GREETING'])"]),
    ("checks", ["--", "/app/checks.py"]),
  ]

  /// CPython's own regression tests run inside the unikernel: modules that need neither fork
  /// nor subprocesses nor a library the port does not build in.
  static let regressionTests = [
    "test_bisect", "test_heapq", "test_struct", "test_bool", "test_abc", "test_keyword",
    "test_userdict", "test_userlist", "test_colorsys", "test_html",
    "test_shlex", "test_difflib", "test_graphlib", "test_types", "test_sort", "test_richcmp",
    "test_augassign", "test_unary", "test_pow", "test_contains", "test_operator",
    "test_fnmatch", "test_textwrap", "test_string", "test_base64", "test_binascii", "test_copy",
    "test_hmac", "test_hashlib", "test_sqlite3",
  ]
  /// What the regression tests read besides their modules.
  static let regressionTestFiles = [
    "__init__.py", "__main__.py", "libregrtest", "support", "mapping_tests.py", "list_tests.py",
    "seq_tests.py", "string_tests.py", "test_difflib_expect.html",
  ]
  /// The regression modules also run on arm64: a short list that still covers the machine
  /// (struct packing, binascii's and base64's byte handling); 30 s inside the unikernel on the
  /// loaded two-core machine (test_pow and test_heapq, 30 s and 15 s there, stay x86_64's).
  static let arm64RegressionTests = [
    "test_bool", "test_bisect", "test_augassign", "test_unary", "test_struct", "test_binascii",
    "test_base64",
  ]
  var regressionBuild: KraftProcess.Result?
  var regressionRun: KraftProcess.Result?

  /// `kraft init` (C's greeting), then `kraft port add python3`: the fresh project.
  let fresh: URL
  var freshInit: KraftProcess.Result?
  var portAdd: KraftProcess.Result?
  var arm64Build: KraftProcess.Result?
  var arm64BuildSeconds: TimeInterval = 0
  /// Each boot on arm64 by name: "script", "checks", "regression".
  var arm64Runs: [String: KraftProcess.Result] = [:]
  var freshX86Build: KraftProcess.Result?
  var freshX86BuildSeconds: TimeInterval = 0
  var freshX86Run: KraftProcess.Result?

  static let repository = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  init() throws {
    root = FileManager.default.temporaryDirectory.appendingPathComponent(
      "kraft-python-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    project = root.appendingPathComponent("app")
    fresh = root.appendingPathComponent("fresh/app")
    let kernel = ["KRAFT_KERNEL_DIR": Self.repository.appendingPathComponent("Kernel").path]

    initResult = try KraftProcess.run(
      ["init", "--template", "python", "app"], in: root, environment: kernel)
    try FileManager.default.copyItem(
      at: Self.repository.appendingPathComponent("Tests/Images/python/checks.py"),
      to: project.appendingPathComponent("rootfs/app/checks.py"))
    // A release build, so that PythonReleaseTests can compare a copy's release build with this
    // one at the cost of one cached build.
    let start = Date()
    build = try Self.releaseBuild(in: project, kernel: kernel)
    buildSeconds = Date().timeIntervalSince(start)
    guard build.status == 0 else { return }
    for boot in Self.boots {
      runs[boot.name] = try KraftProcess.run(
        ["run", "-t", "qemu/x86_64", "--timeout", "300"] + boot.arguments, in: project,
        environment: kernel, timeout: 400)
    }
    try runRegressionTests(kernel: kernel)
    try buildTheFreshProject(kernel: kernel)
  }

  /// `kraft lock` (a release needs a complete lock for its ports), then `kraft build --release
  /// -t qemu/x86_64`; the lock's result when it fails.
  static func releaseBuild(in folder: URL, kernel: [String: String]) throws -> KraftProcess.Result {
    let lock = try KraftProcess.run(["lock"], in: folder, environment: kernel, timeout: 900)
    guard lock.status == 0 else { return lock }
    return try KraftProcess.run(
      ["build", "--release", "-t", "qemu/x86_64"], in: folder, environment: kernel, timeout: 5400)
  }

  /// The fresh project: `kraft port add python3` makes it a Python application; arm64 is added
  /// to its targets (the greeting's template lists x86_64 ones only).
  func buildTheFreshProject(kernel: [String: String]) throws {
    let folder = fresh.deletingLastPathComponent()
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    freshInit = try KraftProcess.run(["init", "app"], in: folder, environment: kernel)
    guard freshInit?.status == 0 else { return }
    portAdd = try KraftProcess.run(
      ["port", "add", "python3"], in: fresh, environment: kernel, timeout: 900)
    guard portAdd?.status == 0 else { return }
    let kraftfile = fresh.appendingPathComponent("Kraftfile")
    let text = try String(contentsOf: kraftfile, encoding: .utf8)
    try text.replacingOccurrences(of: "targets:\n", with: "targets:\n  - qemu/arm64\n")
      .write(to: kraftfile, atomically: true, encoding: .utf8)
    try FileManager.default.copyItem(
      at: Self.repository.appendingPathComponent("Tests/Images/python/checks.py"),
      to: fresh.appendingPathComponent("rootfs/app/checks.py"))
    try copyRegressionTests(Self.arm64RegressionTests, into: fresh)

    var start = Date()
    arm64Build = try KraftProcess.run(
      ["build", "-t", "qemu/arm64"], in: fresh, environment: kernel, timeout: 5400)
    arm64BuildSeconds = Date().timeIntervalSince(start)
    if arm64Build?.status == 0 {
      for (name, arguments) in [
        ("script", [String]()), ("checks", ["--", "/app/checks.py"]),
        ("regression", ["-M", "512", "--", "/app/regrtest.py"] + Self.arm64RegressionTests),
      ] {
        arm64Runs[name] = try KraftProcess.run(
          ["run", "-t", "qemu/arm64", "--timeout", "900"] + arguments, in: fresh,
          environment: kernel, timeout: 1000)
      }
    }
    // A release build like the template's, whose objects serve it from the compile cache.
    start = Date()
    freshX86Build = try Self.releaseBuild(in: fresh, kernel: kernel)
    freshX86BuildSeconds = Date().timeIntervalSince(start)
    guard freshX86Build?.status == 0 else { return }
    freshX86Run = try KraftProcess.run(
      ["run", "-t", "qemu/x86_64", "--timeout", "300"], in: fresh, environment: kernel,
      timeout: 400)
  }

  /// Lib/test from the fetched source (an editable copy of the port, made by kraft itself),
  /// the listed modules and what they read, in the image's /usr/lib/python3.11/test (on
  /// sys.path); the runner script tells the test support there is no fork and no subprocess.
  func runRegressionTests(kernel: [String: String]) throws {
    let checkout = root.appendingPathComponent("python-src")
    let edit = try KraftProcess.run(
      ["port", "edit", "python3", "--into", checkout.path], in: project, environment: kernel,
      timeout: 900)
    guard edit.status == 0 else {
      regressionBuild = edit
      return
    }
    try copyRegressionTests(Self.regressionTests, into: project)
    regressionBuild = try KraftProcess.run(
      ["build", "--release", "-t", "qemu/x86_64"], in: project, environment: kernel, timeout: 900)
    guard regressionBuild?.status == 0 else { return }
    regressionRun = try KraftProcess.run(
      ["run", "-t", "qemu/x86_64", "-M", "512", "--timeout", "1500", "--", "/app/regrtest.py"]
        + Self.regressionTests, in: project, environment: kernel, timeout: 1600)
  }

  /// The checkout's `Lib/test` support and `modules` into a project's rootfs, with the runner.
  func copyRegressionTests(_ modules: [String], into project: URL) throws {
    let manager = FileManager.default
    let source = root.appendingPathComponent("python-src/Lib/test")
    let target = project.appendingPathComponent("rootfs/usr/lib/python3.11/test")
    try manager.createDirectory(at: target, withIntermediateDirectories: true)
    // A module is a file (test_hmac.py) or a package folder (test_sqlite3).
    for name in Self.regressionTestFiles + modules.flatMap({ [$0 + ".py", $0] })
    where manager.fileExists(atPath: source.appendingPathComponent(name).path)
      && !manager.fileExists(atPath: target.appendingPathComponent(name).path)
    {
      try manager.copyItem(
        at: source.appendingPathComponent(name), to: target.appendingPathComponent(name))
    }
    try manager.copyItem(
      at: Self.repository.appendingPathComponent("Tests/Images/python/regrtest.py"),
      to: project.appendingPathComponent("rootfs/app/regrtest.py"))
  }

  deinit { try? FileManager.default.removeItem(at: root) }

  static let shared = SharedFixture { try PythonProject() }
}

@Suite(.tags(.slow), .slowTier) struct PythonBootTests {
  func boot(_ name: String) async throws -> KraftProcess.Result {
    let built = try await PythonProject.shared.value
    #expect(built.initResult.status == 0, "kraft init:\n\(built.initResult.output)")
    try #require(built.build.status == 0, "kraft build:\n\(built.build.output)")
    print("python3 image built in \(Int(built.buildSeconds)) s")
    return try #require(built.runs[name])
  }

  @Test func theTemplatesScriptRunsAsTheImagesProgram() async throws {
    let run = try await boot("script")
    #expect(run.status == 0, "\(run.output)")
    #expect(run.stdout.contains("Hello from Python 3.11.2 on linux!"), "\(run.output)")
  }

  @Test func dashCRunsACommand() async throws {
    let run = try await boot("command")
    #expect(run.status == 0, "\(run.output)")
    #expect(run.stdout.split(whereSeparator: \.isNewline).contains("42"), "\(run.output)")
  }

  @Test func sysExitAndUncaughtExceptionsReachTheHostAsExitStatus() async throws {
    let exit = try await boot("exit")
    #expect(exit.status == 7, "\(exit.output)")
    let uncaught = try await boot("uncaught")
    #expect(uncaught.status == 1, "\(uncaught.output)")
    #expect(uncaught.output.contains("ValueError: kraft test"), "\(uncaught.output)")
  }

  @Test func theEnvironmentReachesOsEnviron() async throws {
    let run = try await boot("env")
    #expect(run.status == 0, "\(run.output)")
    #expect(run.stdout.contains("salut"), "\(run.output)")
  }

  @Test func threadsTimeFilesAndBuiltInModulesWork() async throws {
    let run = try await boot("checks")
    #expect(run.status == 0, "\(run.output)")
    for check in [
      "threading", "sleep", "datetime", "loadavg", "write", "read", "listdir", "remove", "json", "struct",
      "math", "decimal", "sha256", "faulthandler", "unicodedata", "sqlite3 memory", "sqlite3 file",
      "sqlite3 file kept", "sha256 openssl", "pbkdf2_hmac", "ssl default context", "tls handshake",
      "tls data",
    ] {
      #expect(run.stdout.contains("ok \(check)\n"), "\(check):\n\(run.output)")
    }
    #expect(run.stdout.contains("all checks passed"), "\(run.output)")
  }

  @Test func cpythonsRegressionTestsPassInsideTheUnikernel() async throws {
    let built = try await PythonProject.shared.value
    let build = try #require(built.regressionBuild)
    try #require(build.status == 0, "\(build.output)")
    let run = try #require(built.regressionRun)
    // Each module's result, as regrtest reports it, in the test's output.
    print(run.stdout)
    #expect(run.status == 0, "\(run.output)")
    #expect(run.stdout.contains("Tests result: SUCCESS"), "\(run.output)")
    #expect(
      run.stdout.contains("All \(PythonProject.regressionTests.count) tests OK")
        || run.stdout.contains("\(PythonProject.regressionTests.count) tests OK"), "\(run.output)")
  }
}
