import Foundation
import KraftBasics
import KraftModel

/// How a blob came to be in the repository by a push.
public enum BlobPushOutcome: Equatable, Sendable {
  /// It was there already (HEAD): nothing was sent.
  case present
  /// Linked from another repository of the same registry (a cross-repository mount).
  case mounted
  /// Its bytes were sent, in this many requests (1 for a monolithic PUT).
  case uploaded(requests: Int)
}

extension RegistryClient {
  /// The blob's size when the repository has it (`HEAD`), nil when it does not.
  public func blobSize(_ repository: String, _ digest: OCIDigest) throws -> Int64? {
    let response = try send(
      "HEAD", "/v2/\(repository)/blobs/\(digest)",
      scopes: [Self.scope(repository, push: false)])
    switch response.status {
    case 200: return response.header("content-length").flatMap { Int64($0) } ?? -1
    case 404: return nil
    default: throw unexpected(response, "checking the blob '\(digest)' of '\(repository)'")
    }
  }

  /// The blob's bytes, checked against the descriptor: its sha256 and size, and the
  /// registry's `Docker-Content-Digest` when it sends one. A blob that does not match is an
  /// error and its bytes are dropped.
  public func fetchBlob(_ repository: String, _ descriptor: OCIDescriptor) throws -> Data {
    let response = try send(
      "GET", "/v2/\(repository)/blobs/\(descriptor.digest)",
      scopes: [Self.scope(repository, push: false)])
    guard response.status == 200 else {
      throw unexpected(response, "downloading the blob '\(descriptor.digest)' of '\(repository)'")
    }
    try Self.verify(
      response, expected: descriptor.digest, size: descriptor.size,
      what: "the blob '\(descriptor.digest)' of '\(registry)/\(repository)'")
    return response.body
  }

  /// Makes the repository hold `data` (whose digest is `digest`): nothing is sent when it has
  /// it already; otherwise it is mounted from `mountFrom` (a repository of the same registry)
  /// when that one has it, or uploaded, in one PUT or in PATCH chunks of `chunkSize`.
  /// An upload that fails leaves only an unfinished upload session, which the registry
  /// discards; the next push starts a new one.
  public func pushBlob(
    _ repository: String, data: Data, digest: OCIDigest, mountFrom: String? = nil
  ) throws -> BlobPushOutcome {
    if try blobSize(repository, digest) != nil { return .present }
    var scopes = [Self.scope(repository, push: true)]
    var start = "/v2/\(repository)/blobs/uploads/"
    if let mountFrom, mountFrom != repository {
      start += "?mount=\(digest)&from=\(Self.percentEncoded(mountFrom))"
      scopes.append(Self.scope(mountFrom, push: false))
    }
    let opened = try send("POST", start, headers: [("Content-Length", "0")], body: Data(), scopes: scopes)
    if opened.status == 201 {
      try Self.checkAnnouncedDigest(opened, digest, what: "the mounted blob '\(digest)'")
      return .mounted
    }
    guard opened.status == 202, var location = opened.header("location") else {
      throw unexpected(opened, "starting the upload of '\(digest)' to '\(repository)'")
    }
    location = Self.resolve(location, against: absoluteURL("/v2/"))
    var requests = 1
    if data.count > chunkSize {
      var offset = 0
      while offset < data.count {
        let end = min(offset + chunkSize, data.count)
        let chunk = data.subdata(in: offset..<end)
        let patched = try send(
          "PATCH", location,
          headers: [
            ("Content-Type", "application/octet-stream"),
            ("Content-Range", "\(offset)-\(end - 1)"),
            ("Content-Length", String(chunk.count)),
          ], body: chunk, scopes: scopes)
        guard patched.status == 202, let next = patched.header("location") else {
          throw unexpected(patched, "uploading bytes \(offset)-\(end - 1) of '\(digest)'")
        }
        location = Self.resolve(next, against: location)
        offset = end
        requests += 1
      }
    }
    let body = data.count > chunkSize ? Data() : data
    let closed = try send(
      "PUT", Self.appendingQuery(location, "digest=\(digest)"),
      headers: [("Content-Type", "application/octet-stream"), ("Content-Length", String(body.count))],
      body: body, scopes: scopes)
    guard closed.status == 201 else {
      throw unexpected(closed, "finishing the upload of '\(digest)' to '\(repository)'")
    }
    try Self.checkAnnouncedDigest(closed, digest, what: "the uploaded blob '\(digest)'")
    return .uploaded(requests: requests)
  }

  static func appendingQuery(_ url: String, _ parameter: String) -> String {
    url + (url.contains("?") ? "&" : "?") + parameter
  }

  /// A registry that names another digest than the content's stored something else.
  static func checkAnnouncedDigest(_ response: HTTPResponse, _ digest: OCIDigest, what: String)
    throws
  {
    if let announced = response.header("docker-content-digest"), announced != digest.description {
      throw FetchError(
        .verificationFailed,
        "\(what): the registry announced '\(announced)' instead; it stored other content")
    }
  }

  /// Checks a downloaded body: its own sha256 (and size, when known) against what was asked
  /// for, and the registry's `Docker-Content-Digest` against both.
  static func verify(_ response: HTTPResponse, expected: OCIDigest, size: Int64?, what: String)
    throws
  {
    var hasher = SHA256()
    response.body.withUnsafeBytes { hasher.update($0) }
    let actual = hasher.finalizeHex()
    let sizeMatches = size.map { $0 == Int64(response.body.count) } ?? true
    guard actual == expected.hex, sizeMatches else {
      throw FetchError(
        .verificationFailed,
        """
        \(what) does not match its digest
          expected: \(expected)\(size.map { " (\($0) bytes)" } ?? "")
          actual:   sha256:\(actual) (\(response.body.count) bytes)
        nothing was stored; the registry holds corrupt content (push the image again)
        """)
    }
    try checkAnnouncedDigest(response, expected, what: what)
  }
}
