import Foundation
import KraftBasics
import KraftFetch
import KraftModel

/// The kernel (and initrd) of one platform of a package in an OCI layout: the manifest that
/// matches the platform and architecture asked for, its configuration's command line, and the
/// files kraftkit's layout puts at `/unikraft/bin/kernel` and `/unikraft/bin/initrd` in the
/// layers (or a layer of kraftkit's raw kernel and initrd media types).
public struct PackageImage: Sendable {
  public var manifest: OCIDescriptor
  public var target: Target
  public var kernel: Data
  public var initrd: Data?
  public var command: [String]

  /// One image manifest of a package, with its config and platform.
  public struct Candidate: Sendable {
    public var descriptor: OCIDescriptor
    public var manifest: OCIImageManifest
    public var config: OCIImageConfig
    public var platform: OCIPlatform
    /// kraft's target for the platform; nil for one kraft cannot run.
    public var target: Target? {
      platform.target.map { Target(platform: $0.platform, architecture: $0.architecture) }
    }
  }

  /// The image manifests `root` (an index or a single manifest) holds, read verified.
  public static func candidates(layout: OCILayout, root: OCIDescriptor) throws -> [Candidate] {
    var entries: [(descriptor: OCIDescriptor, platform: OCIPlatform?)] = []
    if RegistryPusher.isIndex(root.mediaType) {
      entries = try layout.readIndex(root.digest).manifests.map { ($0, $0.platform) }
    } else {
      entries = [(root, nil)]
    }
    return try entries.map { entry in
      let manifest = try layout.readManifest(entry.descriptor.digest)
      let config = try CanonicalJSON.decode(
        OCIImageConfig.self, from: layout.readBlob(manifest.config.digest))
      return Candidate(
        descriptor: entry.descriptor, manifest: manifest, config: config,
        platform: entry.platform ?? OCIPlatform(architecture: config.architecture, os: config.os))
    }
  }

  /// Picks the manifest for `platform` (any when nil) and `architecture` among what `root`
  /// (an index or a single manifest) holds; every blob is read verified.
  public static func select(
    layout: OCILayout, root: OCIDescriptor, platform: Platform?, architecture: Architecture
  ) throws -> PackageImage {
    let candidates = try candidates(layout: layout, root: root)
    for candidate in candidates {
      guard let target = candidate.target, target.architecture == architecture,
        platform == nil || target.platform == platform
      else { continue }
      return try load(candidate, target: target, layout: layout)
    }
    let offered = candidates.map { "\($0.platform.os)/\($0.platform.architecture)" }
    let wanted = (platform?.shortName ?? "any platform") + "/" + architecture.rawValue
    throw FetchError(
      .missingInput,
      "the package has no image for \(wanted); it has "
        + (offered.isEmpty ? "none" : offered.joined(separator: ", "))
        + " (choose with '--plat' and '-m/--arch')")
  }

  /// The kernel and initrd of one manifest, from its layers.
  public static func load(_ candidate: Candidate, target: Target, layout: OCILayout) throws
    -> PackageImage
  {
    var image = PackageImage(
      manifest: candidate.descriptor, target: target, kernel: Data(), initrd: nil,
      command: candidate.config.config.cmd ?? [])
    var kernel: Data?
    for (position, layer) in candidate.manifest.layers.enumerated() {
      let data = try layout.readBlob(layer.digest)
      switch layer.mediaType {
      case OCIMediaType.unikraftImage: kernel = data
      case OCIMediaType.unikraftInitrd: image.initrd = data
      case OCIMediaType.layerTar, OCIMediaType.layerTarGzip:
        // The compressed blob was verified by its digest as it was read; the tar inside is
        // checked against the config's diff ID, which names the uncompressed layer.
        let tar =
          layer.mediaType == OCIMediaType.layerTar
          ? data : try uncompressed(data, layer, diffID: candidate.config.rootfs.diffIDs[safe: position])
        let files = try tarFiles(tar, layer)
        kernel = files[TarFileReader.normalized(OCIWellKnownPath.kernel)] ?? kernel
        image.initrd = files[TarFileReader.normalized(OCIWellKnownPath.initrd)] ?? image.initrd
      default: continue
      }
    }
    guard let kernel else {
      throw FetchError(
        .invalidInput,
        "the package's manifest '\(candidate.descriptor.digest)' has no kernel (no layer with "
          + "'\(OCIWellKnownPath.kernel)'); it is not a unikernel package")
    }
    image.kernel = kernel
    return image
  }

  /// A `tar+gzip` layer's tar, whose sha256 must be the config's diff ID for the layer.
  private static func uncompressed(_ data: Data, _ layer: OCIDescriptor, diffID: OCIDigest?) throws -> Data {
    let tar: Data
    do {
      tar = try GzipStream.decompress(data)
    } catch {
      throw FetchError(.invalidInput, "the layer '\(layer.digest)' is not a valid gzip stream: \(error)")
    }
    let digest = OCILayout.digest(of: tar)
    guard diffID == nil || diffID == digest else {
      throw FetchError(
        .verificationFailed,
        "the layer '\(layer.digest)' decompresses to '\(digest)', but the image's config names "
          + "'\(diffID!)' (its diff ID); the package is corrupt")
    }
    return tar
  }

  private static func tarFiles(_ data: Data, _ layer: OCIDescriptor) throws -> [String: Data] {
    do {
      return try TarFileReader.files(in: data)
    } catch {
      throw FetchError(.invalidInput, "the layer '\(layer.digest)' is not a valid tar: \(error)")
    }
  }
}

extension Array {
  fileprivate subscript(safe index: Int) -> Element? {
    indices.contains(index) ? self[index] : nil
  }
}
