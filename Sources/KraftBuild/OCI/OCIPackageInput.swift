import Foundation
import KraftBasics
import KraftFetch
import KraftModel

/// One built target as `kraft pkg` packs it: the files `kraft build` left in `outdir`.
public struct OCIPackageInput: Hashable, Sendable {
  public var target: Target
  public var kernel: String
  /// The packed `rootfs:` (cpio), when the project has one.
  public var initrd: String?
  /// The target's resolved options (`config.json`), packed as a KConfig file.
  public var configJSON: String?
  /// `<image>.release.json` of a release build whose image is the one packed.
  public var releaseManifest: String?
  public var billOfMaterials: String?

  public init(
    target: Target, kernel: String, initrd: String? = nil, configJSON: String? = nil,
    releaseManifest: String? = nil, billOfMaterials: String? = nil
  ) {
    self.target = target
    self.kernel = kernel
    self.initrd = initrd
    self.configJSON = configJSON
    self.releaseManifest = releaseManifest
    self.billOfMaterials = billOfMaterials
  }

  /// What `kraft build` wrote for `target` in the project's `outdir`. Fails naming the fix when
  /// the image was not built. A release manifest counts only when it describes the image that
  /// is there now (a later plain build replaces the image but leaves the old manifest).
  ///
  /// `debug`: pack the unstripped twin (`.dbg`) as the kernel (kraftkit's `--dbg`).
  public static func built(
    _ target: Target, layout: ProjectLayout, debug: Bool = false,
    fileSystem: any FileSystem = LocalFileSystem()
  ) throws -> OCIPackageInput {
    let kernel = debug ? layout.debugImage(for: target) : layout.image(for: target)
    guard fileSystem.fileSize(kernel) != nil else {
      throw OutputError(
        .missingInput,
        message: "the image of target '\(target.shortForm)' ('\(kernel)') is not built; run "
          + "'kraft build -t \(target.shortForm)' (or 'kraft build --release') first")
    }
    var input = OCIPackageInput(target: target, kernel: kernel)
    if layout.kraftfile.rootfs != nil, fileSystem.fileSize(layout.initrd) != nil {
      input.initrd = layout.initrd
    }
    let config = layout.outputDirectory + "/" + TargetBuildPlan.key(target) + "/config.json"
    if fileSystem.fileSize(config) != nil { input.configJSON = config }
    let image = layout.image(for: target)
    let imageName = (image as NSString).lastPathComponent
    let folder = (image as NSString).deletingLastPathComponent
    let release = folder + "/" + ReleaseManifest.fileName(image: imageName)
    let sbom = folder + "/" + ReleaseManifest.billOfMaterialsName(image: imageName)
    if let manifest = try? JSONDecoder().decode(
      ReleaseManifest.self, from: fileSystem.readData(release)),
      let packed = try? fileSystem.readData(kernel),
      (debug ? manifest.debugImage : manifest.image).sha256 == OCILayout.digest(of: packed).hex
    {
      input.releaseManifest = release
      if fileSystem.fileSize(sbom) != nil { input.billOfMaterials = sbom }
    }
    return input
  }

  /// The release's date when every packed image is from a release build (so the package is
  /// reproducible), else SOURCE_DATE_EPOCH, else now.
  public static func creationTime(
    _ inputs: [OCIPackageInput], environment: [String: String], fileSystem: any FileSystem
  ) throws -> Int {
    let releaseDates = try inputs.compactMap(\.releaseManifest).map {
      try JSONDecoder().decode(ReleaseManifest.self, from: fileSystem.readData($0)).sourceDateEpoch
    }
    if !releaseDates.isEmpty, releaseDates.count == inputs.count { return releaseDates.max()! }
    if let text = environment["SOURCE_DATE_EPOCH"], let seconds = Int(text) { return seconds }
    return Int(Date().timeIntervalSince1970)
  }
}
