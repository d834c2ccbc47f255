import Foundation
import KraftModel

#if canImport(Glibc)
  import Glibc
#endif

/// Checks before booting that each forwarded host port can be bound, so a busy port is a
/// clear error naming the flag instead of QEMU's "Could not set up host forwarding rule".
/// (Another program can still take the port between the check and QEMU's bind; QEMU then
/// fails with its own message.)
public enum HostPortCheck {
  public static func requireFree(_ forwards: [PortForward]) throws {
    for forward in forwards {
      if let problem = bindProblem(forward) {
        throw RunFailure(
          message:
            "host port \(forward.hostPort)/\(forward.transport.rawValue) on \(forward.hostAddress) cannot be published: \(problem); "
            + "choose another host port, e.g. '-p \(forward.hostPort == 65535 ? 8080 : forward.hostPort + 1):\(forward.guestPort)'"
        )
      }
    }
  }

  /// Why binding the port fails (nil when it can be bound).
  static func bindProblem(_ forward: PortForward) -> String? {
    let kind = forward.transport == .tcp ? Int32(SOCK_STREAM.rawValue) : Int32(SOCK_DGRAM.rawValue)
    let socketDescriptor = socket(AF_INET, kind, 0)
    guard socketDescriptor >= 0 else { return String(cString: strerror(errno)) }
    defer { close(socketDescriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(forward.hostPort).bigEndian)
    guard inet_pton(AF_INET, forward.hostAddress, &address.sin_addr) == 1 else {
      return "'\(forward.hostAddress)' is not an IPv4 address"
    }
    // QEMU sets SO_REUSEADDR on its listening socket too: a port in TIME_WAIT is usable.
    var one: Int32 = 1
    setsockopt(socketDescriptor, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
    let bound = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(socketDescriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    if bound == 0 { return nil }
    return errno == EADDRINUSE ? "it is already in use" : String(cString: strerror(errno))
  }
}
