import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A TCP client on loopback that does what curl will not: sends half a request and leaves,
/// sends bytes no HTTP client would, or connects and stays silent. For servers under test.
final class RawTCPClient {
  private let descriptor: Int32

  /// Connects to `127.0.0.1:port`; nil when the connection is refused or times out.
  init?(port: Int, timeoutSeconds: Int = 5) {
    descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { return nil }
    var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
    for option in [SO_RCVTIMEO, SO_SNDTIMEO] {
      setsockopt(descriptor, SOL_SOCKET, option, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = UInt16(port).bigEndian
    address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
    let connected = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard connected == 0 else {
      close(descriptor)
      return nil
    }
  }

  /// Sends all of `text`; false when the peer is gone.
  @discardableResult
  func send(_ text: String) -> Bool {
    let bytes = Array(text.utf8)
    var sent = 0
    while sent < bytes.count {
      let count = bytes[sent...].withUnsafeBytes {
        Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
      }
      guard count > 0 else { return false }
      sent += count
    }
    return true
  }

  /// Reads until `limit` bytes, the peer's end, or the receive timeout.
  func receive(upTo limit: Int) -> [UInt8] {
    var received: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while received.count < limit {
      let count = buffer.withUnsafeMutableBytes {
        recv(descriptor, $0.baseAddress, min($0.count, limit - received.count), 0)
      }
      guard count > 0 else { break }
      received += buffer[0..<count]
    }
    return received
  }

  /// The first line of the answer (`HTTP/1.1 400 Bad Request`), or nil when none came.
  func statusLine() -> String? {
    let answer = String(decoding: receive(upTo: 4096), as: UTF8.self)
    return answer.split(separator: "\r\n", maxSplits: 1).first.map(String.init)
  }

  /// Whether the peer closes the connection (end of stream or reset) before the receive
  /// timeout; whatever it sends first is read and dropped.
  func waitForPeerClose() -> Bool {
    var buffer = [UInt8](repeating: 0, count: 4096)
    for _ in 0..<1024 {
      let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
      if count == 0 { return true }
      if count < 0 { return errno == ECONNRESET }
    }
    return false
  }

  deinit { close(descriptor) }
}
