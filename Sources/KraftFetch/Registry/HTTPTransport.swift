import Foundation

/// One HTTP exchange with a registry. The registry client speaks only through this protocol,
/// so its protocol logic (auth challenges, upload sessions, digest checks) is unit-tested with
/// a scripted fake; `CurlTransport` is the real one.
public protocol HTTPTransport: Sendable {
  func send(_ request: HTTPRequest) throws -> HTTPResponse
}

public struct HTTPRequest: Sendable, Equatable {
  public var method: String
  public var url: String
  /// In order; names as written (HTTP header names compare case-insensitively).
  public var headers: [(name: String, value: String)]
  public var body: Data?

  public init(
    method: String, url: String, headers: [(name: String, value: String)] = [], body: Data? = nil
  ) {
    self.method = method
    self.url = url
    self.headers = headers
    self.body = body
  }

  public func header(_ name: String) -> String? {
    headers.first { $0.name.lowercased() == name.lowercased() }?.value
  }

  public static func == (lhs: HTTPRequest, rhs: HTTPRequest) -> Bool {
    lhs.method == rhs.method && lhs.url == rhs.url && lhs.body == rhs.body
      && lhs.headers.map { "\($0.name): \($0.value)" } == rhs.headers.map { "\($0.name): \($0.value)" }
  }
}

public struct HTTPResponse: Sendable {
  public var status: Int
  /// Header names lower-cased; a repeated header keeps every value in order.
  public var headers: [String: [String]]
  public var body: Data

  public init(status: Int, headers: [String: [String]] = [:], body: Data = Data()) {
    self.status = status
    self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }) { $0 + $1 }
    self.body = body
  }

  public func header(_ name: String) -> String? { headers[name.lowercased()]?.first }
}

/// Why a request never got a response. `tlsHandshake` is told apart because a loopback or
/// `--insecure` registry that answers TLS with plain HTTP is retried over `http://`.
public struct HTTPTransportError: Error, Equatable, CustomStringConvertible {
  public enum Kind: Sendable, Equatable {
    case tlsHandshake
    case certificate
    case connection
    case tooLarge
  }
  public var kind: Kind
  public var message: String

  public init(_ kind: Kind, _ message: String) {
    self.kind = kind
    self.message = message
  }

  public var description: String { message }
}

/// How the transport treats TLS: the system's trust store, plus a CA file when given
/// (`--ca-file` or `KRAFT_REGISTRY_CA_FILE`), or no verification at all for `--insecure`.
public struct TLSPolicy: Sendable, Equatable {
  public var caFile: String?
  public var verifyPeer: Bool

  public init(caFile: String? = nil, verifyPeer: Bool = true) {
    self.caFile = caFile
    self.verifyPeer = verifyPeer
  }
}
