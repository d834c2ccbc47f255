import Foundation
import KraftBasics
import KraftFetch
import KraftModel

/// One platform of a package in an OCI layout together with the release manifest (and SPDX
/// bill of materials) attached to it as referrers by `kraft pkg`: what `kraft verify REF`
/// rebuilds and compares. Everything is read from the layout, so every byte is verified
/// against its digest on the way.
public struct PackageRelease: Sendable {
  public var image: PackageImage
  public var manifest: ReleaseManifest
  /// The artifact manifests that carry the release manifest and the bill of materials.
  public var manifestReferrer: OCIDigest
  public var billOfMaterialsReferrer: OCIDigest?
  /// The package's files as the rebuild is compared with them: its kernel (and initrd) under
  /// their release names, and the attached manifest and bill of materials, which a rebuild
  /// writes again.
  public var released: ReleaseVerifier.Released

  /// The release file name the package's kernel has: the image, or the unstripped image for
  /// a package packed with `--dbg`.
  public var kernelFile: String {
    OCILayout.digest(of: image.kernel).hex == manifest.debugImage.sha256
      ? manifest.debugImage.file : manifest.image.file
  }

  /// The package's images for `platform` and `architecture` (all when nil) with their
  /// attached releases. An image without a release manifest is an error: there is nothing to
  /// rebuild it from.
  public static func attached(
    layout: OCILayout, root: OCIDescriptor, platform: Platform?, architecture: Architecture?
  ) throws -> [PackageRelease] {
    let candidates = try PackageImage.candidates(layout: layout, root: root)
    var releases: [PackageRelease] = []
    for candidate in candidates {
      guard let target = candidate.target,
        platform == nil || target.platform == platform,
        architecture == nil || target.architecture == architecture
      else { continue }
      releases.append(try attached(candidate, target: target, layout: layout))
    }
    guard !releases.isEmpty else {
      let offered = candidates.map { "\($0.platform.os)/\($0.platform.architecture)" }
      throw FetchError(
        .missingInput,
        "the package has no image for "
          + "\(platform?.shortName ?? "any platform")/\(architecture?.rawValue ?? "any architecture"); "
          + "it has \(offered.isEmpty ? "none" : offered.joined(separator: ", "))")
    }
    return releases
  }

  static func attached(_ candidate: PackageImage.Candidate, target: Target, layout: OCILayout) throws
    -> PackageRelease
  {
    let image = try PackageImage.load(candidate, target: target, layout: layout)
    var manifestFile: (referrer: OCIDigest, data: Data)?
    var billOfMaterials: (referrer: OCIDigest, data: Data)?
    for referrer in try layout.referrers(of: candidate.descriptor.digest) {
      let artifact = try layout.readManifest(referrer.digest)
      guard let layer = artifact.layers.first else { continue }
      let type = artifact.artifactType ?? artifact.config.mediaType
      guard type == OCIMediaType.kraftRelease || type == OCIMediaType.spdxJSON else { continue }
      let file = (referrer: referrer.digest, data: try layout.readBlob(layer.digest))
      if type == OCIMediaType.kraftRelease { manifestFile = file } else { billOfMaterials = file }
    }
    guard let manifestFile else {
      throw FetchError(
        .missingInput,
        "the package's image for \(target.shortForm) (\(candidate.descriptor.digest)) has no "
          + "release manifest attached; only a package of a release build ('kraft build --release', "
          + "then 'kraft pkg') can be verified")
    }
    let manifest: ReleaseManifest
    do {
      manifest = try ReleaseJSON.decode(
        ReleaseManifest.self, from: String(decoding: manifestFile.data, as: UTF8.self))
    } catch {
      throw FetchError(
        .invalidInput,
        "the release manifest attached to the image for \(target.shortForm) "
          + "(\(manifestFile.referrer)) is not one kraft reads: \(error)")
    }
    guard manifest.target == target.shortForm else {
      throw FetchError(
        .verificationFailed,
        "the release manifest attached to the image for \(target.shortForm) is the release of "
          + "\(manifest.target); the package is not what its release manifest describes")
    }
    var release = PackageRelease(
      image: image, manifest: manifest, manifestReferrer: manifestFile.referrer,
      billOfMaterialsReferrer: billOfMaterials?.referrer,
      released: ReleaseVerifier.Released(place: "in the package"))
    release.released.artifacts[release.kernelFile] = image.kernel
    if let initrd = manifest.initrd { release.released.artifacts[initrd.file] = image.initrd }
    // Under the names the rebuild writes them (the attached files' titles are those names).
    release.released.otherFiles[ReleaseManifest.fileName(image: manifest.image.file)] = manifestFile.data
    if let billOfMaterials {
      release.released.otherFiles[ReleaseManifest.billOfMaterialsName(image: manifest.image.file)] =
        billOfMaterials.data
    }
    release.released.unexplained =
      "no recorded input differs (project files, kernel libraries, kraft version; ports are "
      + "pinned by the lock): the package holds other bytes than these sources build; it was "
      + "changed after its release build, or the release manifest attached to it is not the "
      + "one of its build (look into the rebuild with 'kraft verify --keep')"
    return release
  }
}
