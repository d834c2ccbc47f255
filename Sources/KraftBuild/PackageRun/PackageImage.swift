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
    for layer in candidate.manifest.layers {
      let data = try layout.readBlob(layer.digest)
      switch layer.mediaType {
      case OCIMediaType.unikraftImage: kernel = data
      case OCIMediaType.unikraftInitrd: image.initrd = data
      case OCIMediaType.layerTar:
        let files = try tarFiles(data, layer)
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

  private static func tarFiles(_ data: Data, _ layer: OCIDescriptor) throws -> [String: Data] {
    do {
      return try TarFileReader.files(in: data)
    } catch {
      throw FetchError(.invalidInput, "the layer '\(layer.digest)' is not a valid tar: \(error)")
    }
  }
}
