import KraftFetch
import KraftModel

/// One line of `kraft pkg ls`: a named package of a layout, its targets and the bytes of
/// every blob it holds (index, manifests, configs, layers; a blob shared by two targets once).
public struct OCIPackageSummary: Hashable, Sendable {
  public var name: String
  public var digest: OCIDigest
  /// `qemu/x86_64`, from the index's platforms, sorted.
  public var targets: [String]
  public var size: Int64

  public static func all(in layout: OCILayout) throws -> [OCIPackageSummary] {
    try layout.references().map { try summary(of: $0, in: layout) }
  }

  static func summary(of reference: OCILayoutReference, in layout: OCILayout) throws
    -> OCIPackageSummary
  {
    var sizes: [OCIDigest: Int64] = [reference.descriptor.digest: reference.descriptor.size]
    var platforms: [OCIPlatform] = []
    var manifests: [OCIDescriptor] = []
    switch reference.descriptor.mediaType {
    case OCIMediaType.imageIndex:
      for entry in try layout.readIndex(reference.descriptor.digest).manifests {
        sizes[entry.digest] = entry.size
        if let platform = entry.platform { platforms.append(platform) }
        manifests.append(entry)
      }
    default:
      manifests.append(reference.descriptor)
    }
    for entry in manifests where entry.mediaType == OCIMediaType.imageManifest {
      guard layout.hasBlob(entry.digest) else { continue }  // a platform not pulled
      let manifest = try layout.readManifest(entry.digest)
      for blob in [manifest.config] + manifest.layers { sizes[blob.digest] = blob.size }
    }
    let targets = platforms.map { platform in
      platform.target.map { "\($0.platform.shortName)/\($0.architecture.rawValue)" }
        ?? "\(platform.os)/\(platform.architecture)"
    }
    return OCIPackageSummary(
      name: reference.name, digest: reference.descriptor.digest, targets: targets.sorted(),
      size: sizes.values.reduce(0, +))
  }
}
