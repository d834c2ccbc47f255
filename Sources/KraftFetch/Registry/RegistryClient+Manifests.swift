import Foundation
import KraftBasics
import KraftModel

/// A manifest or index as a registry served it: the exact bytes (its digest is over them).
public struct FetchedManifest: Sendable {
  public var data: Data
  public var mediaType: String
  public var digest: OCIDigest

  public var descriptor: OCIDescriptor {
    OCIDescriptor(mediaType: mediaType, digest: digest, size: Int64(data.count))
  }
}

extension RegistryClient {
  /// What kraft reads: OCI indexes and manifests, and docker's equivalents (same JSON shape).
  static let manifestAccept = [
    OCIMediaType.imageIndex, OCIMediaType.imageManifest,
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.docker.distribution.manifest.v2+json",
  ].joined(separator: ", ")

  /// The descriptor of the manifest `reference` (a tag or digest) names, nil when the
  /// repository has none (`HEAD`).
  public func manifestDescriptor(_ repository: String, _ reference: String) throws
    -> OCIDescriptor?
  {
    let response = try send(
      "HEAD", "/v2/\(repository)/manifests/\(reference)", headers: [("Accept", Self.manifestAccept)],
      scopes: [Self.scope(repository, push: false)])
    switch response.status {
    case 200:
      guard let digest = response.header("docker-content-digest").flatMap(OCIDigest.init(parsing:))
      else { return nil }  // without a digest the caller cannot tell; treat it as absent
      return OCIDescriptor(
        mediaType: response.header("content-type") ?? OCIMediaType.imageManifest, digest: digest,
        size: response.header("content-length").flatMap { Int64($0) } ?? -1)
    case 404: return nil
    default: throw unexpected(response, "checking '\(repository):\(reference)'")
    }
  }

  /// The manifest or index `reference` names, verified: its bytes hash to the digest asked
  /// for (a digest reference) and to the registry's `Docker-Content-Digest`.
  public func fetchManifest(_ repository: String, _ reference: String) throws -> FetchedManifest {
    let response = try send(
      "GET", "/v2/\(repository)/manifests/\(reference)", headers: [("Accept", Self.manifestAccept)],
      scopes: [Self.scope(repository, push: false)])
    if response.status == 404 {
      throw FetchError(
        .missingInput, "'\(registry)/\(repository)' has no '\(reference)'" + Self.errorDetail(response))
    }
    guard response.status == 200 else {
      throw unexpected(response, "downloading '\(repository):\(reference)'")
    }
    var hasher = SHA256()
    response.body.withUnsafeBytes { hasher.update($0) }
    let digest = OCIDigest(sha256Hex: hasher.finalizeHex())!
    let expected =
      OCIDigest(parsing: reference)
      ?? response.header("docker-content-digest").flatMap(OCIDigest.init(parsing:)) ?? digest
    try Self.verify(
      response, expected: expected, size: nil,
      what: "the manifest '\(reference)' of '\(registry)/\(repository)'")
    let mediaType =
      Self.declaredMediaType(response.body) ?? response.header("content-type")
      ?? OCIMediaType.imageManifest
    return FetchedManifest(data: response.body, mediaType: mediaType, digest: digest)
  }

  /// Stores a manifest or index under `reference` (a tag, or its own digest) and checks the
  /// registry computed the same digest.
  @discardableResult
  public func pushManifest(
    _ repository: String, _ reference: String, data: Data, mediaType: String
  ) throws -> OCIDigest {
    var hasher = SHA256()
    data.withUnsafeBytes { hasher.update($0) }
    let digest = OCIDigest(sha256Hex: hasher.finalizeHex())!
    let response = try send(
      "PUT", "/v2/\(repository)/manifests/\(reference)",
      headers: [("Content-Type", mediaType), ("Content-Length", String(data.count))], body: data,
      scopes: [Self.scope(repository, push: true)])
    guard response.status == 201 else {
      throw unexpected(response, "storing '\(repository):\(reference)'")
    }
    try Self.checkAnnouncedDigest(response, digest, what: "the manifest '\(repository):\(reference)'")
    return digest
  }

  /// Every tag of the repository, following the `Link: <...>; rel="next"` pages.
  public func tags(_ repository: String) throws -> [String] {
    var target = "/v2/\(repository)/tags/list"
    var tags: [String] = []
    for _ in 0..<1000 {
      let response = try send("GET", target, scopes: [Self.scope(repository, push: false)])
      if response.status == 404 { return [] }
      guard response.status == 200,
        let object = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any]
      else { throw unexpected(response, "listing the tags of '\(repository)'") }
      tags += object["tags"] as? [String] ?? []
      guard let next = response.header("link").flatMap(Self.nextLink) else { return tags }
      target = next
    }
    return tags
  }

  /// `<url>; rel="next"` → url.
  static func nextLink(_ header: String) -> String? {
    guard header.contains("rel=\"next\""), let open = header.firstIndex(of: "<"),
      let close = header.firstIndex(of: ">"), open < close
    else { return nil }
    return String(header[header.index(after: open)..<close])
  }

  /// The `mediaType` a manifest names itself, which wins over a registry's `Content-Type`.
  static func declaredMediaType(_ data: Data) -> String? {
    (try? JSONSerialization.jsonObject(with: data) as? [String: Any])?["mediaType"] as? String
  }
}
