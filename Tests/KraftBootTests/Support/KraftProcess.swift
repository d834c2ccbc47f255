import Foundation

/// Runs the `kraft` executable built by this `swift test` run, as a user would: large tests
/// drive the real command line so they also check argument parsing, output and exit status.
struct KraftProcess {
  struct Result {
    var status: Int32
    var stdout: String
    var stderr: String
    /// Both streams, stdout first: what a user would read in the terminal, roughly.
    var output: String { stdout + stderr }
  }

  /// The `kraft` binary beside the test bundle (same scratch path), or `$KRAFT_BINARY`.
  static var binary: URL {
    if let explicit = ProcessInfo.processInfo.environment["KRAFT_BINARY"] {
      return URL(fileURLWithPath: explicit)
    }
    let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    var folder = runner.deletingLastPathComponent()
    // On Linux the runner is `<scratch>/debug/<pkg>PackageTests.xctest`; elsewhere it may sit
    // inside a bundle, so walk up until a `kraft` executable appears.
    for _ in 0..<4 {
      let candidate = folder.appendingPathComponent("kraft")
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
      folder.deleteLastPathComponent()
    }
    fatalError("cannot find the kraft binary near \(runner.path); set KRAFT_BINARY")
  }

  /// Runs `kraft arguments...` in `directory`, with `environment` added to the inherited one.
  /// `timeout` guards against a hung QEMU: the process is killed and the test fails.
  static func run(
    _ arguments: [String], in directory: URL, environment: [String: String] = [:],
    timeout: TimeInterval = 300
  ) throws -> Result {
    let process = Process()
    process.executableURL = binary
    process.arguments = arguments
    process.currentDirectoryURL = directory
    // Tests never depend on a machine's KVM: TCG unless a test asks otherwise.
    process.environment = ProcessInfo.processInfo.environment
      .merging(["KRAFT_ACCELERATION": "tcg"]) { $1 }
      .merging(environment) { $1 }
    process.standardInput = FileHandle.nullDevice
    let started = Date()
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // Read both pipes concurrently so a chatty process cannot block on a full pipe.
    let outData = DataBox()
    let errData = DataBox()
    let group = DispatchGroup()
    for (pipe, box) in [(out, outData), (err, errData)] {
      group.enter()
      DispatchQueue.global().async {
        box.data = pipe.fileHandleForReading.readDataToEndOfFile()
        group.leave()
      }
    }
    if group.wait(timeout: .now() + timeout) == .timedOut {
      // SIGTERM lets kraft stop its monitor; a process that blocks it (as the test runner's
      // children can) gets SIGKILL after ten seconds, so a timeout never hangs the test.
      process.terminate()
      if group.wait(timeout: .now() + 10) == .timedOut {
        kill(process.processIdentifier, SIGKILL)
      }
      group.wait()
      process.waitUntilExit()
      throw TimedOut(arguments: arguments, seconds: timeout)
    }
    process.waitUntilExit()
    let result = Result(
      status: process.terminationStatus,
      stdout: String(decoding: outData.data, as: UTF8.self),
      stderr: String(decoding: errData.data, as: UTF8.self))
    if arguments.first == "build" {
      reportBuild(arguments, in: directory, seconds: Date().timeIntervalSince(started), result)
    }
    return result
  }

  /// One line per `kraft build` in the test log: which project, how long, and what its summary
  /// says was compiled, cached and reused. Builds are most of the suite's CPU (docs/testing.md),
  /// and this is how a CI log shows which ones cost the most.
  static func reportBuild(
    _ arguments: [String], in directory: URL, seconds: TimeInterval, _ result: Result
  ) {
    let summary = result.output.split(separator: "\n").filter {
      $0.hasPrefix("compiled ") || $0.hasPrefix("reused ") || $0.hasPrefix("nothing to do")
    }
    let project = directory.pathComponents.suffix(2).joined(separator: "/")
    print(
      "kraft-build: \(project) [\(arguments.joined(separator: " "))] status \(result.status) in "
        + "\(Int(seconds.rounded())) s: \(summary.joined(separator: "; "))")
  }

  /// Written by one reader thread, read after `group.wait()`: the group orders the accesses.
  private final class DataBox: @unchecked Sendable {
    var data = Data()
  }

  struct TimedOut: Error, CustomStringConvertible {
    var arguments: [String]
    var seconds: TimeInterval
    var description: String { "kraft \(arguments.joined(separator: " ")) ran over \(seconds)s" }
  }
}

/// A scratch copy of a project folder, removed when the test ends, so tests never build inside
/// the repository and never see each other's outputs.
final class ScratchProject {
  let url: URL

  /// Copies `source` (relative to the repository root) into a fresh temporary folder.
  init(copying source: String) throws {
    let root = URL(fileURLWithPath: #filePath)
      .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    let base = FileManager.default.temporaryDirectory
      .appendingPathComponent("kraft-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
    url = base.appendingPathComponent(URL(fileURLWithPath: source).lastPathComponent)
    try FileManager.default.copyItem(at: root.appendingPathComponent(source), to: url)
    // Outputs of a build someone ran in the repository are not part of the project.
    try? FileManager.default.removeItem(at: url.appendingPathComponent(".unikraft"))
  }

  deinit {
    try? FileManager.default.removeItem(at: url.deletingLastPathComponent())
  }
}
