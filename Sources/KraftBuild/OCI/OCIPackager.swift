import Foundation
import KraftBasics
import KraftFetch
import KraftModel

/// `kraft pkg`: packs built targets into an OCI image as kraftkit does, so kraftkit runs what
/// kraft packs and the reverse. Per target one image manifest whose layers are uncompressed
/// tars holding one file each at kraftkit's well-known path (`/unikraft/bin/kernel`,
/// `/unikraft/bin/initrd`, `/unikraft/bin/config`), annotated with that path, and whose
/// config names the platform as kraftkit does (`os`: `qemu`, `fc`, `xen`; `architecture`:
/// `x86_64`, `arm64`). All targets go into one multi-platform index, named in the layout.
///
/// What kraftkit's reader needs besides the layers (its `oci/manifest.go`, `oci/manager.go`):
/// the platform also on the manifest's config descriptor (kraftkit reads it there, and fails
/// without it), the manifest's annotations copied onto its index entry, and
/// `sh.kraftkit.version` on the index and on every manifest (kraftkit skips entries without it).
///
/// Nothing in it depends on when or where it is packed except `created`, which is the
/// release's SOURCE_DATE_EPOCH (or the caller's): the same release packs to the same digest.
/// A release build's manifest and SPDX bill of materials are attached to its image manifest as
/// OCI referrers (artifact manifests whose `subject` is the image manifest).
public struct OCIPackager {
  public let layout: OCILayout
  public let fileSystem: any FileSystem
  /// Seconds since 1970 for `created` annotations; nil writes none.
  public let created: Int?
  /// The kernel's version (kraft's: the kernel ships with it), kraftkit's `os.version`.
  public let kernelVersion: String
  /// The Kraftfile's `cmd:`, the image config's `Cmd` (what kraftkit passes by default).
  public let command: [String]

  public init(
    layout: OCILayout, fileSystem: any FileSystem = LocalFileSystem(), created: Int?,
    kernelVersion: String = KraftVersion.current, command: [String] = []
  ) {
    self.layout = layout
    self.fileSystem = fileSystem
    self.created = created
    self.kernelVersion = kernelVersion
    self.command = command
  }

  /// What was packed: the index named `name`, and each target's manifest.
  public struct Result: Sendable {
    public var index: OCIDescriptor
    public var manifests: [(target: Target, descriptor: OCIDescriptor)]
    /// Referrers attached (release manifests and bills of materials).
    public var referrers: [OCIDescriptor]
  }

  /// Packs `inputs` and names the index `name` in the layout. The blobs are written and named
  /// under the layout's lock, so a concurrent `kraft pkg rm` cannot collect them in between.
  ///
  /// `targetTags` also names each target's manifest `<name>-<plat>-<arch>`: tools that take a
  /// name to mean one image (umoci) refuse a name that leads to several.
  public func pack(_ inputs: [OCIPackageInput], name: String, targetTags: Bool = false) throws
    -> Result
  {
    try layout.locked { locked in
      var manifests: [(target: Target, descriptor: OCIDescriptor)] = []
      var referrers: [OCIDescriptor] = []
      for input in inputs {
        let manifest = try packTarget(input)
        manifests.append((input.target, manifest))
        for (file, type) in [
          (input.releaseManifest, OCIMediaType.kraftRelease),
          (input.billOfMaterials, OCIMediaType.spdxJSON),
        ] {
          guard let file else { continue }
          let referrer = try attach(file, artifactType: type, to: manifest)
          try locked.addReferrer(referrer)
          referrers.append(referrer)
        }
      }
      // Index entries in a fixed order (by platform), whatever order -t named them in.
      let entries = manifests.map(\.descriptor).sorted {
        ($0.platform?.os ?? "", $0.platform?.architecture ?? "")
          < ($1.platform?.os ?? "", $1.platform?.architecture ?? "")
      }
      let index = try layout.writeIndex(
        OCIImageIndex(
          manifests: entries, annotations: Self.kraftkitAnnotation.merging(createdAnnotation ?? [:]) { $1 }))
      try locked.tag(name, index)
      if targetTags {
        for (target, manifest) in manifests {
          try locked.tag(Self.targetTag(name, target), manifest)
        }
      }
      // What the name pointed at before (an earlier pack of the same tag) goes now.
      try locked.collectGarbage()
      return Result(index: index, manifests: manifests, referrers: referrers)
    }
  }

  /// `latest-qemu-x86_64`.
  public static func targetTag(_ name: String, _ target: Target) -> String {
    "\(name)-\(target.platform.shortName)-\(target.architecture.rawValue)"
  }

  /// Marks a document as one kraftkit lists (it ignores the value).
  static let kraftkitAnnotation = [OCIAnnotation.kraftkitVersion: "kraft " + KraftVersion.current]

  private var createdAnnotation: [String: String]? {
    created.map { [OCIAnnotation.created: Self.rfc3339($0)] }
  }

  static func rfc3339(_ seconds: Int) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    formatter.timeZone = TimeZone(identifier: "UTC")
    return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
  }

  private func packTarget(_ input: OCIPackageInput) throws -> OCIDescriptor {
    var layers = [
      try fileLayer(
        fileSystem.readData(input.kernel), at: OCIWellKnownPath.kernel, mode: 0o755,
        annotation: OCIAnnotation.unikraftKernelImage)
    ]
    if let initrd = input.initrd {
      layers.append(
        try fileLayer(
          fileSystem.readData(initrd), at: OCIWellKnownPath.initrd, mode: 0o644,
          annotation: OCIAnnotation.unikraftKernelInitrd))
    }
    var platform = OCIPlatform(target: input.target, kernelVersion: kernelVersion)
    if let configJSON = input.configJSON {
      let text = try KConfigText.render(configJSON: fileSystem.readData(configJSON))
      layers.append(
        try fileLayer(Data(text.utf8), at: OCIWellKnownPath.config, mode: 0o644, annotation: nil))
      // kraftkit also lists the set options as the platform's features (`CONFIG_X=y`), which
      // its `kraft build` matches against a project's KConfig when it pulls a package.
      platform.osFeatures = KConfigText.features(text)
    }
    let config = OCIImageConfig(
      created: created.map(Self.rfc3339), platform: platform,
      config: OCIImageConfig.ExecutionConfig(cmd: command.isEmpty ? nil : command),
      diffIDs: layers.map(\.digest))  // uncompressed layers: the diff ID is the digest
    var configDescriptor = try layout.writeBlob(
      CanonicalJSON.encode(config), mediaType: OCIMediaType.imageConfig)
    configDescriptor.platform = platform
    var annotations = Self.kraftkitAnnotation.merging([
      OCIAnnotation.unikraftKernelPlat: input.target.platform.shortName,
      OCIAnnotation.unikraftKernelArch: input.target.architecture.rawValue,
      OCIAnnotation.unikraftKernelVersion: kernelVersion,
    ]) { $1 }
    if let created { annotations[OCIAnnotation.created] = Self.rfc3339(created) }
    var descriptor = try layout.writeManifest(
      OCIImageManifest(config: configDescriptor, layers: layers, annotations: annotations))
    descriptor.platform = platform
    descriptor.annotations = annotations
    return descriptor
  }

  /// An uncompressed tar holding `data` at `path` (without its leading `/`, as tars do).
  private func fileLayer(_ data: Data, at path: String, mode: Int, annotation: String?) throws
    -> OCIDescriptor
  {
    var tar = TarWriter(modificationTime: created ?? 0)
    try tar.addFile(String(path.dropFirst()), contents: data, mode: mode)
    var descriptor = try layout.writeBlob(tar.finished(), mediaType: OCIMediaType.layerTar)
    if let annotation { descriptor.annotations = [annotation: path] }
    return descriptor
  }

  /// An artifact manifest carrying `file` whose subject is the image manifest `subject`.
  private func attach(_ file: String, artifactType: String, to subject: OCIDescriptor) throws
    -> OCIDescriptor
  {
    var layer = try layout.writeBlob(fileSystem.readData(file), mediaType: artifactType)
    layer.annotations = [OCIAnnotation.title: (file as NSString).lastPathComponent]
    let empty = try layout.writeBlob(Data("{}".utf8), mediaType: OCIMediaType.empty)
    var subjectReference = subject
    subjectReference.platform = nil
    subjectReference.annotations = nil
    return try layout.writeManifest(
      OCIImageManifest(
        config: empty, layers: [layer], artifactType: artifactType, subject: subjectReference,
        annotations: createdAnnotation))
  }
}
