import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Ports on 127.0.0.1 for the servers tests start (git daemon, redis-server): a free one to
/// listen on, and whether a server listens there yet.
public enum LoopbackPort {
  public struct NoFreePort: Error {}

  /// A port nothing is bound to now, for a server a test is about to start. It lies outside
  /// the kernel's ephemeral range (`ip_local_port_range`): a port the kernel picked there could
  /// become the source port of any outgoing connection (a load test's thousands of clients)
  /// before the server binds it. No port is handed out twice in one test process, so two
  /// suites starting servers at once never race for one.
  public static func free() throws -> Int {
    let ephemeral = ephemeralRange()
    let candidates = Array(10_000..<ephemeral.lowerBound) + Array((ephemeral.upperBound + 1)..<65_536)
    guard let port = handedOut.claimFirst(of: candidates.shuffled(), where: bindable) else {
      throw NoFreePort()
    }
    return port
  }

  private static let handedOut = HandedOutPorts()

  private final class HandedOutPorts: @unchecked Sendable {
    private let lock = NSLock()
    private var ports = Set<Int>()

    func claimFirst(of candidates: [Int], where usable: (Int) -> Bool) -> Int? {
      lock.lock()
      defer { lock.unlock() }
      guard let port = candidates.first(where: { !ports.contains($0) && usable($0) }) else { return nil }
      ports.insert(port)
      return port
    }
  }

  /// Linux's range for outgoing connections' source ports; its default when unreadable.
  private static func ephemeralRange() -> ClosedRange<Int> {
    let text = (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)) ?? ""
    let bounds = text.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
    guard bounds.count == 2, 10_000 < bounds[0], bounds[0] <= bounds[1], bounds[1] < 65_535 else {
      return 32_768...60_999
    }
    return bounds[0]...bounds[1]
  }

  private static func bindable(_ port: Int) -> Bool {
    let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(socketFD) }
    var address = loopback(port: port)
    return withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
      }
    }
  }

  /// Whether something accepts connections on `port`.
  public static func accepts(_ port: Int) -> Bool {
    let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(socketFD) }
    var address = loopback(port: port)
    return withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
      }
    }
  }

  private static func loopback(port: Int) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = UInt16(port).bigEndian
    return address
  }
}
