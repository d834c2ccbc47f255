import Foundation
import KraftTestSupport

/// `git daemon` exporting a folder on 127.0.0.1 at a free port, for `git://` tests.
final class GitDaemon {
  let port: Int
  private let process: Process

  init(basePath: String) throws {
    port = try LoopbackPort.free()
    process = Process()
    // The daemon itself, not the `git` wrapper: killing the wrapper would orphan the daemon.
    process.executableURL = URL(fileURLWithPath: "/usr/lib/git-core/git-daemon")
    process.arguments = [
      "--export-all", "--reuseaddr", "--listen=127.0.0.1", "--port=\(port)",
      "--base-path=\(basePath)", basePath,
    ]
    process.standardError = FileHandle.nullDevice
    try process.run()
    // Ready when it accepts connections.
    for _ in 0..<100 {
      if LoopbackPort.accepts(port) { return }
      usleep(20_000)
    }
    kill(process.processIdentifier, SIGKILL)
    throw TestFailure("git daemon did not start on port \(port)")
  }

  var baseURL: String { "git://127.0.0.1:\(port)" }

  /// SIGKILL: the test runner blocks SIGTERM in its threads and children inherit the mask,
  /// so a plain `terminate()` would leave the server running.
  func stop() {
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
  }

  deinit { if process.isRunning { stop() } }
}
