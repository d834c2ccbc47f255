import Foundation
import KraftBasics
import KraftModel

extension OCILayout {
  /// Stores a manifest as canonical JSON (same manifest, same digest) and returns its
  /// descriptor; `artifactType` is copied into the descriptor as the referrers API wants.
  @discardableResult
  public func writeManifest(_ manifest: OCIImageManifest) throws -> OCIDescriptor {
    var descriptor = try writeBlob(CanonicalJSON.encode(manifest), mediaType: manifest.mediaType)
    descriptor.artifactType = manifest.artifactType
    return descriptor
  }

  @discardableResult
  public func writeIndex(_ index: OCIImageIndex) throws -> OCIDescriptor {
    try writeBlob(
      CanonicalJSON.encode(index), mediaType: index.mediaType ?? OCIMediaType.imageIndex)
  }

  public func readManifest(_ digest: OCIDigest) throws -> OCIImageManifest {
    try decode(OCIImageManifest.self, digest)
  }

  public func readIndex(_ digest: OCIDigest) throws -> OCIImageIndex {
    try decode(OCIImageIndex.self, digest)
  }

  /// A blob (verified) decoded as JSON; a blob that is not the document expected is invalid
  /// input, named by digest.
  func decode<T: Decodable>(_ type: T.Type, _ digest: OCIDigest) throws -> T {
    let data = try readBlob(digest)
    do {
      return try CanonicalJSON.decode(type, from: data)
    } catch {
      throw FetchError(
        .invalidInput,
        "the blob '\(digest)' in '\(root)' is not a valid \(T.self): \(error)")
    }
  }
}
