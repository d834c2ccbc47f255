import Foundation
import KraftBasics
import KraftFetch

/// An in-memory registry behind `HTTPTransport`: enough of the distribution spec (blobs,
/// upload sessions with PATCH chunks, mounts, manifests, tags with pages) and of its auth
/// (basic, or bearer tokens from a realm) to test the client's protocol logic in milliseconds.
/// Every request is logged; `plainHTTPOnly` makes `https://` fail as a plain server would.
final class FakeRegistry: HTTPTransport, @unchecked Sendable {
  enum Auth {
    case none
    case basic(user: String, password: String)
    case bearer(user: String, password: String)
  }

  let host: String
  var auth: Auth = .none
  var plainHTTPOnly = false
  var tagsPerPage = 100
  /// The `scope` a bearer challenge names, when set (distribution names the request's).
  var challengeScope: String?
  /// Serve `GET /v2/<name>/referrers/<digest>` (distribution spec v1.1); without it the
  /// route is unknown (404), as with distribution 2.8, and clients use the tag schema.
  var referrersAPI = false
  /// Announces this in every `Docker-Content-Digest` instead of the true digest (a registry
  /// that stored, or serves, other content than it was given or asked for).
  var announcedDigest: String?
  /// Serves these bytes instead of the stored blob (a corrupt storage backend).
  var corruptBlobs: Set<String> = []
  private(set) var log: [HTTPRequest] = []
  var blobs: [String: [String: Data]] = [:]
  var manifests: [String: [String: (data: Data, mediaType: String)]] = [:]
  private var uploads: [String: (repository: String, data: Data)] = [:]
  private let lock = NSLock()

  init(host: String) { self.host = host }

  static let token = "fake-token-1"

  func send(_ request: HTTPRequest) throws -> HTTPResponse {
    lock.lock()
    defer { lock.unlock() }
    log.append(request)
    if request.url.hasPrefix("https://auth.test/token") { return issueToken(request) }
    if plainHTTPOnly, request.url.hasPrefix("https://") {
      throw HTTPTransportError(.tlsHandshake, "wrong version number")
    }
    let prefixes = ["http://" + host, "https://" + host]
    guard let prefix = prefixes.first(where: { request.url.hasPrefix($0 + "/") }) else {
      throw HTTPTransportError(.connection, "no such host in \(request.url)")
    }
    if let refusal = checkAuth(request) { return refusal }
    var response = route(request, path: String(request.url.dropFirst(prefix.count)))
    if let announcedDigest, response.headers["docker-content-digest"] != nil {
      response.headers["docker-content-digest"] = [announcedDigest]
    }
    return response
  }

  /// The logged requests as `METHOD path` (query kept), auth requests as `TOKEN`.
  var calls: [String] {
    log.map { request in
      if request.url.hasPrefix("https://auth.test") { return "TOKEN" }
      let afterScheme = request.url.components(separatedBy: "://").last ?? ""
      return request.method + " " + afterScheme.drop { $0 != "/" }
    }
  }

  func clearLog() {
    lock.lock()
    log = []
    lock.unlock()
  }

  private func checkAuth(_ request: HTTPRequest) -> HTTPResponse? {
    let given = request.header("authorization")
    switch auth {
    case .none: return nil
    case .basic(let user, let password):
      if given == "Basic " + Data("\(user):\(password)".utf8).base64EncodedString() { return nil }
      return HTTPResponse(status: 401, headers: ["WWW-Authenticate": ["Basic realm=\"fake\""]])
    case .bearer:
      if given == "Bearer " + Self.token { return nil }
      return HTTPResponse(
        status: 401,
        headers: [
          "WWW-Authenticate": [
            "Bearer realm=\"https://auth.test/token\",service=\"fake, registry\""
              + (challengeScope.map { ",scope=\"\($0)\"" } ?? "")
          ]
        ])
    }
  }

  private func issueToken(_ request: HTTPRequest) -> HTTPResponse {
    guard case .bearer(let user, let password) = auth,
      request.header("authorization") == "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
    else { return HTTPResponse(status: 401) }
    return HTTPResponse(status: 200, body: Data("{\"token\":\"\(Self.token)\"}".utf8))
  }

  private func route(_ request: HTTPRequest, path fullPath: String) -> HTTPResponse {
    let parts = fullPath.split(separator: "?", maxSplits: 1)
    let path = String(parts[0])
    let query = parts.count > 1 ? Self.query(String(parts[1])) : [:]
    if path == "/v2/" { return HTTPResponse(status: 200) }
    guard path.hasPrefix("/v2/") else { return HTTPResponse(status: 404) }
    let rest = String(path.dropFirst(4))
    for (marker, handler) in [
      ("/blobs/uploads/", handleUpload), ("/blobs/", handleBlob), ("/manifests/", handleManifest),
      ("/tags/list", handleTags), ("/referrers/", handleReferrers),
    ] as [(String, (HTTPRequest, String, String, [String: String]) -> HTTPResponse)] {
      if let range = rest.range(of: marker) {
        return handler(
          request, String(rest[..<range.lowerBound]), String(rest[range.upperBound...]), query)
      }
    }
    return HTTPResponse(status: 404)
  }

  private func handleBlob(_ request: HTTPRequest, _ repository: String, _ digest: String, _: [String: String])
    -> HTTPResponse
  {
    guard var data = blobs[repository]?[digest] else { return HTTPResponse(status: 404) }
    if corruptBlobs.contains(digest) { data[0] ^= 0xff }
    let headers = ["Docker-Content-Digest": [digest], "Content-Length": [String(data.count)]]
    return HTTPResponse(status: 200, headers: headers, body: request.method == "HEAD" ? Data() : data)
  }

  private func handleUpload(
    _ request: HTTPRequest, _ repository: String, _ session: String, _ query: [String: String]
  ) -> HTTPResponse {
    if request.method == "POST" {
      if let mount = query["mount"], let from = query["from"], let data = blobs[from]?[mount] {
        blobs[repository, default: [:]][mount] = data
        return HTTPResponse(status: 201, headers: ["Docker-Content-Digest": [mount]])
      }
      let id = "session\(uploads.count + 1)"
      uploads[id] = (repository, Data())
      return HTTPResponse(status: 202, headers: ["Location": ["/v2/\(repository)/blobs/uploads/\(id)"]])
    }
    guard var upload = uploads[session] else { return HTTPResponse(status: 404) }
    let body = request.body ?? Data()
    if request.method == "PATCH" {
      guard request.header("content-range") == "\(upload.data.count)-\(upload.data.count + body.count - 1)"
      else { return HTTPResponse(status: 416) }
      upload.data += body
      uploads[session] = upload
      return HTTPResponse(
        status: 202,
        headers: [
          "Location": ["/v2/\(repository)/blobs/uploads/\(session)"],
          "Range": ["0-\(upload.data.count - 1)"],
        ])
    }
    guard request.method == "PUT", let digest = query["digest"] else { return HTTPResponse(status: 405) }
    upload.data += body
    var hasher = SHA256()
    upload.data.withUnsafeBytes { hasher.update($0) }
    guard "sha256:" + hasher.finalizeHex() == digest else {
      return HTTPResponse(
        status: 400, body: Data(#"{"errors":[{"code":"DIGEST_INVALID","message":"bad digest"}]}"#.utf8))
    }
    uploads[session] = nil
    blobs[repository, default: [:]][digest] = upload.data
    return HTTPResponse(status: 201, headers: ["Docker-Content-Digest": [digest]])
  }

  private func handleManifest(
    _ request: HTTPRequest, _ repository: String, _ reference: String, _: [String: String]
  ) -> HTTPResponse {
    if request.method == "PUT" {
      let data = request.body ?? Data()
      var hasher = SHA256()
      data.withUnsafeBytes { hasher.update($0) }
      let digest = "sha256:" + hasher.finalizeHex()
      let entry = (data: data, mediaType: request.header("content-type") ?? "")
      manifests[repository, default: [:]][reference] = entry
      manifests[repository, default: [:]][digest] = entry
      return HTTPResponse(status: 201, headers: ["Docker-Content-Digest": [digest]])
    }
    guard let entry = manifests[repository]?[reference] else {
      return HTTPResponse(
        status: 404,
        body: Data(#"{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}"#.utf8))
    }
    var hasher = SHA256()
    entry.data.withUnsafeBytes { hasher.update($0) }
    return HTTPResponse(
      status: 200,
      headers: [
        "Docker-Content-Digest": ["sha256:" + hasher.finalizeHex()],
        "Content-Type": [entry.mediaType], "Content-Length": [String(entry.data.count)],
      ], body: request.method == "HEAD" ? Data() : entry.data)
  }

  private func handleTags(_ request: HTTPRequest, _ repository: String, _: String, _ query: [String: String])
    -> HTTPResponse
  {
    let all = (manifests[repository] ?? [:]).keys.filter { !$0.hasPrefix("sha256:") }.sorted()
    let after = query["last"]
    let remaining = all.filter { after == nil || $0 > after! }
    let page = Array(remaining.prefix(tagsPerPage))
    var headers: [String: [String]] = [:]
    if remaining.count > page.count, let last = page.last {
      headers["Link"] = ["</v2/\(repository)/tags/list?n=\(tagsPerPage)&last=\(last)>; rel=\"next\""]
    }
    let body = try! JSONSerialization.data(withJSONObject: ["name": repository, "tags": page])
    return HTTPResponse(status: 200, headers: headers, body: body)
  }

  private func handleReferrers(
    _ request: HTTPRequest, _ repository: String, _ subject: String, _: [String: String]
  ) -> HTTPResponse {
    guard referrersAPI else { return HTTPResponse(status: 404, body: Data("404 page not found".utf8)) }
    var listed: [[String: Any]] = []
    for (reference, entry) in manifests[repository] ?? [:] where reference.hasPrefix("sha256:") {
      guard let object = try? JSONSerialization.jsonObject(with: entry.data) as? [String: Any],
        (object["subject"] as? [String: Any])?["digest"] as? String == subject
      else { continue }
      listed.append([
        "mediaType": entry.mediaType, "digest": reference, "size": entry.data.count,
        "artifactType": object["artifactType"] as? String ?? "",
      ])
    }
    let body = try! JSONSerialization.data(
      withJSONObject: [
        "schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": listed,
      ] as [String: Any])
    return HTTPResponse(
      status: 200, headers: ["Content-Type": ["application/vnd.oci.image.index.v1+json"]], body: body)
  }

  private static func query(_ text: String) -> [String: String] {
    var result: [String: String] = [:]
    for pair in text.split(separator: "&") {
      let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
      result[parts[0]] = parts.count > 1 ? (parts[1].removingPercentEncoding ?? parts[1]) : ""
    }
    return result
  }
}
