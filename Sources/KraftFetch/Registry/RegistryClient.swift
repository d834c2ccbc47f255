import Foundation
import KraftBasics
import KraftModel

/// A client of one registry, speaking the OCI distribution spec v1.1 through an
/// `HTTPTransport`. This file holds what every request shares: the URL scheme (HTTPS, or
/// plain HTTP only for a loopback registry or with `insecure`), authentication (HTTP basic,
/// or the bearer-token flow a `WWW-Authenticate` challenge asks for) and redirects.
/// Blobs and manifests are in the `+Blobs` and `+Manifests` files.
///
/// Not thread-safe: it remembers tokens and the scheme that worked; use one per task.
public final class RegistryClient {
  public let registry: String
  let transport: any HTTPTransport
  let credential: RegistryCredential?
  /// Blobs larger than this are uploaded in PATCH chunks of this size; smaller ones in one PUT.
  public var chunkSize: Int
  /// Plain HTTP is allowed as a fallback when the registry answers TLS with plain HTTP.
  let allowsPlainHTTP: Bool
  private(set) var scheme = "https"
  private var schemeSettled = false
  /// Bearer tokens by the scope string they were issued for.
  private var tokens: [String: String] = [:]
  /// Set once the registry asked for basic authentication: later requests send it at once.
  private var sendsBasic = false

  public static let defaultChunkSize = 8 << 20

  public init(
    registry: String, transport: any HTTPTransport, credential: RegistryCredential?,
    insecure: Bool = false, chunkSize: Int = RegistryClient.defaultChunkSize
  ) {
    self.registry = registry
    self.transport = transport
    self.credential = credential
    self.chunkSize = max(1, chunkSize)
    let host = OCIReference(registry: registry, repository: "x").host
    allowsPlainHTTP = insecure || Self.isLoopback(host)
  }

  /// `localhost`, `::1` or an IPv4 address in 127.0.0.0/8; not a name such as
  /// `127.example.com`, which may resolve anywhere.
  static func isLoopback(_ host: String) -> Bool {
    if host == "localhost" || host == "::1" || host == "[::1]" { return true }
    let parts = host.split(separator: ".", omittingEmptySubsequences: false)
    return parts.count == 4 && parts[0] == "127"
      && parts.allSatisfy { part in
        !part.isEmpty && part.count <= 3 && part.allSatisfy(\.isASCII) && part.allSatisfy(\.isNumber)
          && Int(part).map { $0 <= 255 } == true
      }
  }

  /// `repository:<name>:pull` or `:pull,push`: what a bearer token is asked for.
  static func scope(_ repository: String, push: Bool) -> String {
    "repository:\(repository):" + (push ? "pull,push" : "pull")
  }

  /// Sends a request to `target` (a path on the registry such as `/v2/`, or an absolute URL
  /// from a `Location` header), answering one authentication challenge and following
  /// redirects. `scopes` are the token scopes to ask for if the registry wants a bearer token.
  func send(
    _ method: String, _ target: String, headers: [(name: String, value: String)] = [],
    body: Data? = nil, scopes: [String]
  ) throws -> HTTPResponse {
    var url = absoluteURL(target)
    var answeredChallenge = false
    for _ in 0..<8 {
      // The first answer may have settled on plain HTTP (a loopback registry): a retry after
      // an authentication challenge goes there too.
      if scheme == "http", url.hasPrefix("https://" + registry + "/") {
        url = "http://" + url.dropFirst("https://".count)
      }
      var request = HTTPRequest(method: method, url: url, headers: headers, body: body)
      if let authorization = authorization(for: url, scopes: scopes) {
        request.headers.append((name: "Authorization", value: authorization))
      }
      let response = try sendSettlingScheme(request)
      if response.status == 401, !answeredChallenge {
        answeredChallenge = true
        try answerChallenge(response, scopes: scopes)
        continue
      }
      if [301, 302, 303, 307, 308].contains(response.status), method == "GET" || method == "HEAD",
        let location = response.header("location")
      {
        url = Self.resolve(location, against: url)
        continue
      }
      if response.status == 401 {
        throw FetchError(
          .fetchFailed,
          "the registry '\(registry)' refused the credentials"
            + (credential == nil
              ? " (none were found); run 'kraft login \(registry)'"
              : "; check them with 'kraft login \(registry)'")
            + Self.errorDetail(response))
      }
      return response
    }
    throw FetchError(.fetchFailed, "\(method) \(url): too many redirects")
  }

  /// `/v2/...` on this registry, or `target` itself when it is already absolute.
  func absoluteURL(_ target: String) -> String {
    if target.hasPrefix("https://") || target.hasPrefix("http://") { return target }
    return scheme + "://" + registry + target
  }

  /// Credentials go only to this registry: a redirect to a storage host gets none.
  private func authorization(for url: String, scopes: [String]) -> String? {
    guard Self.authority(of: url) == registry else { return nil }
    if let token = tokens[scopes.joined(separator: " ")] { return "Bearer " + token }
    if sendsBasic, let credential { return "Basic " + credential.basicToken }
    return nil
  }

  /// The first request decides the scheme: HTTPS, or for a loopback or `insecure` registry
  /// that answers TLS with plain HTTP, `http://` from then on.
  private func sendSettlingScheme(_ request: HTTPRequest) throws -> HTTPResponse {
    do {
      let response = try transport.send(request)
      if Self.authority(of: request.url) == registry { schemeSettled = true }
      return response
    } catch let error as HTTPTransportError {
      guard error.kind == .tlsHandshake, allowsPlainHTTP, !schemeSettled,
        request.url.hasPrefix("https://" + registry + "/")
      else { throw Self.transportFailure(error, registry: registry) }
      scheme = "http"
      schemeSettled = true
      var plain = request
      plain.url = "http://" + request.url.dropFirst("https://".count)
      do {
        return try transport.send(plain)
      } catch let error as HTTPTransportError {
        throw Self.transportFailure(error, registry: registry)
      }
    }
  }

  static func transportFailure(_ error: HTTPTransportError, registry: String) -> FetchError {
    switch error.kind {
    case .certificate:
      return FetchError(
        .fetchFailed,
        "the TLS certificate of '\(registry)' is not trusted: \(error.message); add its CA to "
          + "the system trust store or pass '--ca-file' (or 'KRAFT_REGISTRY_CA_FILE')")
    case .tlsHandshake:
      return FetchError(
        .fetchFailed,
        "TLS with '\(registry)' failed: \(error.message); a registry without TLS is only used "
          + "on localhost or with '--insecure'")
    case .connection, .tooLarge:
      return FetchError(.fetchFailed, "cannot reach the registry '\(registry)': \(error.message)")
    }
  }

  private func answerChallenge(_ response: HTTPResponse, scopes: [String]) throws {
    let challenges = (response.headers["www-authenticate"] ?? []).compactMap(AuthChallenge.init)
    if let bearer = challenges.first(where: { $0.scheme == "bearer" }) {
      tokens[scopes.joined(separator: " ")] = try fetchToken(bearer, scopes: scopes)
    } else if challenges.contains(where: { $0.scheme == "basic" }) {
      guard credential != nil else {
        throw FetchError(
          .fetchFailed,
          "the registry '\(registry)' asks for a user name and password; run "
            + "'kraft login \(registry) -u USER --password-stdin'")
      }
      sendsBasic = true
    } else {
      throw FetchError(
        .fetchFailed,
        "the registry '\(registry)' answered 401 without a challenge kraft understands "
          + "(basic or bearer)" + Self.errorDetail(response))
    }
  }

  /// The token flow of the distribution spec's auth: GET the realm with `service` and each
  /// `scope` (basic credentials when there are some, anonymous otherwise).
  private func fetchToken(_ challenge: AuthChallenge, scopes: [String]) throws -> String {
    guard let realm = challenge.parameters["realm"], realm.hasPrefix("http") else {
      throw FetchError(
        .fetchFailed, "the registry '\(registry)' sent a bearer challenge without a realm URL")
    }
    var query: [String] = []
    if let service = challenge.parameters["service"] {
      query.append("service=" + Self.percentEncoded(service))
    }
    let allScopes = Self.merging(scopes, challenge.parameters["scope"])
    query += allScopes.map { "scope=" + Self.percentEncoded($0) }
    let url = realm + (realm.contains("?") ? "&" : "?") + query.joined(separator: "&")
    var headers: [(name: String, value: String)] = []
    if let credential { headers.append((name: "Authorization", value: "Basic " + credential.basicToken)) }
    let response: HTTPResponse
    do {
      response = try transport.send(HTTPRequest(method: "GET", url: url, headers: headers))
    } catch let error as HTTPTransportError {
      throw Self.transportFailure(error, registry: registry)
    }
    guard response.status == 200,
      let object = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any],
      let token = (object["token"] as? String) ?? (object["access_token"] as? String),
      !token.isEmpty
    else {
      throw FetchError(
        .fetchFailed,
        "the token service of '\(registry)' refused a token (HTTP \(response.status))"
          + (credential == nil ? "; run 'kraft login \(registry)'" : "")
          + Self.errorDetail(response))
    }
    return token
  }

  /// The scopes to ask a token for: ours, with what the challenge's `scope` adds. The
  /// challenge names its actions in any order (distribution lists a set, so the same request
  /// is challenged with `pull,push` one time and `push,pull` the next): scopes of one resource
  /// are merged, ours first, so the token service is asked for each resource once and always
  /// in the same words.
  static func merging(_ ours: [String], _ challenged: String?) -> [String] {
    // `type:name:actions`; the name may hold colons itself (a registry's host:port).
    var resources: [String] = []
    var actions: [String: [String]] = [:]
    for scope in ours + (challenged ?? "").split(separator: " ").map(String.init) {
      let resource = String(scope[..<(scope.lastIndex(of: ":") ?? scope.endIndex)])
      let named = scope.dropFirst(resource.count + 1).split(separator: ",").map(String.init)
      if actions[resource] == nil { resources.append(resource) }
      actions[resource, default: []] += named.filter { !(actions[resource] ?? []).contains($0) }
    }
    return resources.map { resource in
      resource + ":" + (actions[resource] ?? []).joined(separator: ",")
    }
  }

  /// `host[:port]` of an absolute URL.
  static func authority(of url: String) -> String {
    guard let schemeEnd = url.range(of: "://") else { return "" }
    let rest = url[schemeEnd.upperBound...]
    return String(rest.prefix { $0 != "/" && $0 != "?" })
  }

  /// A `Location` may be absolute, or a path on the same scheme and host.
  static func resolve(_ location: String, against url: String) -> String {
    if location.hasPrefix("http://") || location.hasPrefix("https://") { return location }
    guard let schemeEnd = url.range(of: "://") else { return location }
    let origin = url[..<schemeEnd.upperBound] + authority(of: url)
    return origin + (location.hasPrefix("/") ? location : "/" + location)
  }

  static func percentEncoded(_ text: String) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
  }

  /// The registry's own explanation from an error body (`{"errors":[{"code","message"}]}`).
  static func errorDetail(_ response: HTTPResponse) -> String {
    guard let object = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any],
      let errors = object["errors"] as? [[String: Any]], !errors.isEmpty
    else { return "" }
    let texts = errors.map { error in
      [error["code"] as? String, error["message"] as? String].compactMap { $0 }
        .joined(separator: ": ")
    }
    return " (" + texts.joined(separator: "; ") + ")"
  }

  /// An unexpected answer, with the registry's explanation.
  func unexpected(_ response: HTTPResponse, _ what: String) -> FetchError {
    FetchError(
      .fetchFailed,
      "\(what) on '\(registry)' failed: HTTP \(response.status)" + Self.errorDetail(response))
  }

  /// `GET /v2/`: checks the registry is there and the credentials (if any) are accepted.
  public func checkAccess() throws {
    let response = try send("GET", "/v2/", scopes: [])
    guard response.status == 200 else { throw unexpected(response, "checking access") }
  }
}
