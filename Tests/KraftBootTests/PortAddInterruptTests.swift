import Foundation
import Testing

/// Ctrl-C (SIGINT) or SIGTERM while `kraft port add` fetches: the Kraftfile is put back as it
/// was and kraft exits with 128 + the signal. The fetch is held up by a mirror that accepts
/// connections and never answers, so the signal always arrives mid-fetch.
@Suite struct PortAddInterruptTests {
  static let repository = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  /// A listening socket on loopback that never accepts: connections complete (the kernel
  /// does the handshake) and requests wait forever for an answer.
  final class SilentServer {
    let descriptor: Int32
    let port: UInt16

    init() throws {
      let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
      self.descriptor = descriptor
      var address = sockaddr_in()
      address.sin_family = sa_family_t(AF_INET)
      address.sin_addr.s_addr = inet_addr("127.0.0.1")
      address.sin_port = 0
      var length = socklen_t(MemoryLayout<sockaddr_in>.size)
      let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
          bind(descriptor, pointer, length) == 0 && listen(descriptor, 16) == 0
            && getsockname(descriptor, pointer, &length) == 0
        }
      }
      struct SocketFailed: Error {}
      guard bound else { throw SocketFailed() }
      port = UInt16(bigEndian: address.sin_port)
    }

    deinit { close(descriptor) }
  }

  @Test(arguments: [SIGINT, SIGTERM])
  func anInterruptedPortAddPutsTheKraftfileBack(signal number: Int32) throws {
    let base = FileManager.default.temporaryDirectory.appendingPathComponent(
      "kraft-interrupt-\(UUID().uuidString)")
    let project = base.appendingPathComponent("app")
    try FileManager.default.createDirectory(at: project, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: base) }
    let kraftfile = project.appendingPathComponent("Kraftfile").path
    let original = "spec: v0.6\nname: app\n# a comment\ntargets:\n  - qemu/x86_64\n"
    try original.write(toFile: kraftfile, atomically: true, encoding: .utf8)
    chmod(kraftfile, 0o640)

    let server = try SilentServer()
    let process = Process()
    process.executableURL = KraftProcess.binary
    process.arguments = ["port", "add", "zlib"]
    process.currentDirectoryURL = project
    var environment = ProcessInfo.processInfo.environment
    environment["KRAFT_KERNEL_DIR"] = Self.repository.appendingPathComponent("Kernel").path
    environment["KRAFT_CACHE_DIR"] = base.appendingPathComponent("cache").path
    environment["KRAFT_MIRRORS"] = "https://=http://127.0.0.1:\(server.port)/"
    environment["XDG_CONFIG_HOME"] = base.appendingPathComponent("config").path
    process.environment = environment
    process.standardInput = FileHandle.nullDevice
    let errors = Pipe()
    process.standardOutput = FileHandle.nullDevice
    process.standardError = errors
    try process.run()

    // Wait for the edit to land, then for the fetch to be under way.
    let deadline = Date().addingTimeInterval(60)
    while (try? String(contentsOfFile: kraftfile, encoding: .utf8)) == original,
      process.isRunning, Date() < deadline
    {
      usleep(20_000)
    }
    #expect(process.isRunning, "kraft port add ended before it could be interrupted")
    #expect(try String(contentsOfFile: kraftfile, encoding: .utf8).contains("zlib"))
    usleep(300_000)
    kill(process.processIdentifier, number)
    let stopped = Date().addingTimeInterval(30)
    while process.isRunning, Date() < stopped { usleep(20_000) }
    if process.isRunning {
      kill(process.processIdentifier, SIGKILL)
      Issue.record("kraft did not stop on signal \(number)")
    }
    process.waitUntilExit()
    let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)

    #expect(process.terminationReason == .exit)
    #expect(process.terminationStatus == 128 + number)
    #expect(message.contains("interrupted"))
    #expect(try String(contentsOfFile: kraftfile, encoding: .utf8) == original)
    #expect(!FileManager.default.fileExists(atPath: project.appendingPathComponent("Kraftfile.lock").path))
    var info = stat()
    #expect(stat(kraftfile, &info) == 0 && info.st_mode & 0o7777 == 0o640)
  }
}
