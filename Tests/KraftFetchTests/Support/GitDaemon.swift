import Foundation

/// `git daemon` exporting a folder on 127.0.0.1 at a free port, for `git://` tests.
final class GitDaemon {
  let port: Int
  private let process: Process

  init(basePath: String) throws {
    port = try Self.freePort()
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
      if Self.canConnect(port) { return }
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

  static func freePort() throws -> Int {
    let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(socketFD) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(socketFD, $0, length) == 0 && getsockname(socketFD, $0, &length) == 0
      }
    }
    guard bound else { throw TestFailure("no free port") }
    return Int(UInt16(bigEndian: address.sin_port))
  }

  static func canConnect(_ port: Int) -> Bool {
    let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(socketFD) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = UInt16(port).bigEndian
    return withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
      }
    }
  }
}
