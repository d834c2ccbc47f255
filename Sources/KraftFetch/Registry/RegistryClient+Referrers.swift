import Foundation
import KraftBasics
import KraftModel

/// The referrers of a manifest as a registry lists them, and how it lists them.
public struct ReferrerListing: Sendable {
  public var descriptors: [OCIDescriptor]
  /// True when the registry has the referrers API (distribution spec v1.1), which keeps the
  /// list itself; false when the list is the tag `sha256-<hex>` that clients maintain.
  public var fromAPI: Bool
}

extension RegistryClient {
  /// The tag of the referrers tag schema (distribution spec v1.1, for registries without the
  /// referrers API): `sha256-<hex>` of the subject, naming an index of its referrers.
  public static func referrersTag(_ subject: OCIDigest) -> String {
    "sha256-" + subject.hex
  }

  /// The referrers of `subject` (`GET /v2/<name>/referrers/<digest>`). A registry without the
  /// API answers 404 (one that has it never does), and then the tag schema's index is read
  /// instead; no such tag means no referrers. The list is not content-addressed: callers
  /// fetch each referrer by digest and check its `subject`.
  public func referrers(_ repository: String, of subject: OCIDigest) throws -> ReferrerListing {
    let scopes = [Self.scope(repository, push: false)]
    let api = try send(
      "GET", "/v2/\(repository)/referrers/\(subject)",
      headers: [("Accept", OCIMediaType.imageIndex)], scopes: scopes)
    if api.status == 200 {
      return ReferrerListing(descriptors: try referrerIndex(api, subject).manifests, fromAPI: true)
    }
    guard api.status == 404 else {
      throw unexpected(api, "listing the referrers of '\(subject)' in '\(repository)'")
    }
    let tagged = try send(
      "GET", "/v2/\(repository)/manifests/\(Self.referrersTag(subject))",
      headers: [("Accept", OCIMediaType.imageIndex)], scopes: scopes)
    if tagged.status == 404 { return ReferrerListing(descriptors: [], fromAPI: false) }
    guard tagged.status == 200 else {
      throw unexpected(tagged, "reading the referrers tag of '\(subject)' in '\(repository)'")
    }
    return ReferrerListing(descriptors: try referrerIndex(tagged, subject).manifests, fromAPI: false)
  }

  private func referrerIndex(_ response: HTTPResponse, _ subject: OCIDigest) throws -> OCIImageIndex {
    do {
      return try CanonicalJSON.decode(OCIImageIndex.self, from: response.body)
    } catch {
      throw FetchError(
        .invalidInput,
        "the registry '\(registry)' listed the referrers of '\(subject)' in something that is "
          + "not an image index: \(error)")
    }
  }

  /// Makes `attached` (artifact manifests the repository holds, whose subject is `subject`)
  /// findable: nothing to do with the referrers API; with the tag schema, the tag's index gets
  /// the missing ones added (and is stored again only then). Returns whether it was stored.
  @discardableResult
  public func listReferrers(_ attached: [OCIDescriptor], of subject: OCIDigest, in repository: String)
    throws -> Bool
  {
    let listing = try referrers(repository, of: subject)
    guard !listing.fromAPI else { return false }
    let listed = Set(listing.descriptors.map(\.digest))
    let missing = attached.filter { !listed.contains($0.digest) }
    guard !missing.isEmpty else { return false }
    let index = OCIImageIndex(manifests: listing.descriptors + missing)
    try pushManifest(
      repository, Self.referrersTag(subject), data: CanonicalJSON.encode(index),
      mediaType: OCIMediaType.imageIndex)
    return true
  }
}
