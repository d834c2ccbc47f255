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

  /// Picks the manifest for `platform` (any when nil) and `architecture` among what `root`
  /// (an index or a single manifest) holds; every blob is read verified.
  public static func select(
    layout: OCILayout, root: OCIDescriptor, platform: Platform?, architecture: Architecture
  ) throws -> PackageImage {
    var candidates: [(descriptor: OCIDescriptor, platform: OCIPlatform?)] = []
    if RegistryPusher.isIndex(root.mediaType) {
      candidates = try layout.readIndex(root.digest).manifests.map { ($0, $0.platform) }
    } else {
      candidates = [(root, nil)]
    }
    var offered: [String] = []
    for candidate in candidates {
      let manifest = try layout.readManifest(candidate.descriptor.digest)
      let config = try CanonicalJSON.decode(
        OCIImageConfig.self, from: layout.readBlob(manifest.config.digest))
      let imagePlatform =
        candidate.platform ?? OCIPlatform(architecture: config.architecture, os: config.os)
      offered.append("\(imagePlatform.os)/\(imagePlatform.architecture)")
      guard let target = imagePlatform.target, target.architecture == architecture,
        platform == nil || target.platform == platform
      else { continue }
      var image = PackageImage(
        manifest: candidate.descriptor,
        target: Target(platform: target.platform, architecture: target.architecture),
        kernel: Data(), initrd: nil, command: config.config.cmd ?? [])
      var kernel: Data?
      for layer in manifest.layers {
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
    let wanted = (platform?.shortName ?? "any platform") + "/" + architecture.rawValue
    throw FetchError(
      .missingInput,
      "the package has no image for \(wanted); it has "
        + (offered.isEmpty ? "none" : offered.joined(separator: ", "))
        + " (choose with '--plat' and '-m/--arch')")
  }

  private static func tarFiles(_ data: Data, _ layer: OCIDescriptor) throws -> [String: Data] {
    do {
      return try TarFileReader.files(in: data)
    } catch {
      throw FetchError(.invalidInput, "the layer '\(layer.digest)' is not a valid tar: \(error)")
    }
  }
}
