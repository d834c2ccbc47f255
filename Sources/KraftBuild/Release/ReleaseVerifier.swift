import Foundation
import KraftBasics
import KraftFetch
import KraftModel

/// `kraft verify`: rebuilds a release from its manifest in a fresh temporary folder and
/// compares every artifact byte for byte with the manifest's hashes and the files beside it.
///
/// Design: the manifest pins everything except the application's bytes, which live in the
/// project folder (found from the manifest, `project.directory`, or given). The project's
/// files are compared with the manifest's list first (a changed input is reported by name),
/// then copied, without build outputs, into the temporary folder and rebuilt there with the
/// recorded command; ports come through the shared cache, pinned by the copied
/// `Kraftfile.lock`, and the toolchain is checked against the copied `Kraftfile.release.lock`.
public struct ReleaseVerifier: Sendable {
  public var rebuilder: ReleaseRebuilder
  /// Where the temporary folder is made (`$TMPDIR`).
  public var temporaryRoot: String
  /// Keep the temporary folder (for looking into a failure).
  public var keep: Bool
  public var fileSystem: any FileSystem

  public init(
    rebuilder: ReleaseRebuilder, temporaryRoot: String = NSTemporaryDirectory(), keep: Bool = false,
    fileSystem: any FileSystem = LocalFileSystem()
  ) {
    self.fileSystem = fileSystem
    self.rebuilder = rebuilder
    self.temporaryRoot = temporaryRoot
    self.keep = keep
  }

  public struct Outcome: Hashable, Sendable {
    public var manifest: ReleaseManifest
    public var projectDirectory: String
    /// Inputs that differ from what the manifest records (files, kernel libraries, version).
    public var changedInputs: [String]
    /// Artifact names that were rebuilt identically.
    public var identical: [String]
    /// Empty when the release reproduced.
    public var differences: [ReleaseImageDifference]
    /// The temporary folder when `keep` is set.
    public var keptDirectory: String?
  }

  /// Reads the manifest and locates the project (or takes `projectDirectory`).
  public static func load(manifestPath: String, fileSystem: any FileSystem = LocalFileSystem()) throws
    -> ReleaseManifest
  {
    guard let text = try? fileSystem.readText(manifestPath) else {
      throw ReleaseError(.missingInput, "cannot read the release manifest '\(manifestPath)'")
    }
    let manifest: ReleaseManifest
    do {
      manifest = try ReleaseJSON.decode(ReleaseManifest.self, from: text)
    } catch {
      throw ReleaseError(
        .invalidInput,
        "'\(manifestPath)' is not a release manifest (\(error)); give the '.release.json' file written by 'kraft build --release'"
      )
    }
    guard manifest.formatVersion == ReleaseManifest.currentFormat else {
      throw ReleaseError(
        .invalidInput,
        "'\(manifestPath)' has format version \(manifest.formatVersion); this kraft reads version \(ReleaseManifest.currentFormat)"
      )
    }
    return manifest
  }

  public static func projectDirectory(manifestPath: String, manifest: ReleaseManifest) -> String {
    let folder = (absolute(manifestPath) as NSString).deletingLastPathComponent
    let recorded = manifest.project.directory
    return ((recorded.hasPrefix("/") ? recorded : folder + "/" + recorded) as NSString)
      .standardizingPath
  }

  public func verify(
    manifestPath: String, projectDirectory given: String?, kernel: KernelTree
  ) throws -> Outcome {
    let manifest = try Self.load(manifestPath: manifestPath)
    let manifestFolder = (Self.absolute(manifestPath) as NSString).deletingLastPathComponent
    let project =
      given.map { (Self.absolute($0) as NSString).standardizingPath }
      ?? Self.projectDirectory(manifestPath: manifestPath, manifest: manifest)
    guard let outputs = ReleaseBuild.relative(manifestFolder, to: project) else {
      throw ReleaseError(
        .usage,
        "the manifest '\(manifestPath)' is not inside the project folder '\(project)'; "
          + "'kraft verify' rebuilds into the same place within a copy, so the images must be "
          + "in the project (its '.unikraft/build' or an 'outdir' inside it); pass the project with '--project'"
      )
    }
    var released = Released(place: "beside the manifest")
    for artifact in [manifest.image, manifest.debugImage] + (manifest.initrd.map { [$0] } ?? []) {
      released.artifacts[artifact.file] = try? fileSystem.readData(manifestFolder + "/" + artifact.file)
    }
    return try verify(manifest, project: project, outputs: outputs, released: released, kernel: kernel)
  }

  /// The released files a rebuild is compared with, by file name: the artifacts the manifest
  /// lists (those present: a package holds no debug image), and other files the rebuild
  /// writes beside them that must come out identical (a package's attached SBOM).
  public struct Released: Sendable {
    /// Where they come from, for messages: "beside the manifest", "in the package".
    public var place: String
    public var artifacts: [String: Data] = [:]
    public var otherFiles: [String: Data] = [:]
    /// What is said when an artifact differs though no recorded input does.
    public var unexplained =
      "no recorded input differs (project files, kernel libraries, kraft version; ports are pinned by the lock): the toolchain or the machine made different bytes; look into the rebuild with 'kraft verify --keep'"

    public init(place: String, artifacts: [String: Data] = [:], otherFiles: [String: Data] = [:]) {
      self.place = place
      self.artifacts = artifacts
      self.otherFiles = otherFiles
    }
  }

  /// Rebuilds `manifest`'s release from `project` (whose build outputs are in `outputs`, a
  /// path inside it) and compares the rebuilt artifacts with the manifest and `released`.
  public func verify(
    _ manifest: ReleaseManifest, project: String, outputs: String, released: Released,
    kernel: KernelTree
  ) throws -> Outcome {
    guard fileSystem.exists(project + "/" + manifest.project.kraftfile) else {
      throw ReleaseError(
        .missingInput,
        "no '\(manifest.project.kraftfile)' in '\(project)'; pass the project folder with '--project'")
    }

    var changed = try changedInputs(manifest, project: project, outputs: outputs, kernel: kernel)
    if manifest.kraftVersion != KraftVersion.current {
      changed.append("kraft \(manifest.kraftVersion) made the release; this is kraft \(KraftVersion.current)")
    }

    let scratch = temporaryRoot + "/kraft-verify-" + UUID().uuidString
    let copy = scratch + "/" + (project as NSString).lastPathComponent
    defer { if !keep { try? fileSystem.remove(scratch) } }
    try copyProject(from: project, to: copy, excluding: outputs)
    try rebuilder.rebuild(manifest.rebuild, in: copy)

    var identical: [String] = []
    var differences: [ReleaseImageDifference] = []
    let artifacts = [manifest.image, manifest.debugImage] + (manifest.initrd.map { [$0] } ?? [])
    for artifact in artifacts {
      let rebuiltPath = copy + "/" + outputs + "/" + artifact.file
      guard let rebuilt = try? fileSystem.readData(rebuiltPath) else {
        throw ReleaseError(
          .verificationFailed, "the rebuild did not produce '\(artifact.file)'")
      }
      let rebuiltBytes = [UInt8](rebuilt)
      let releasedBytes = released.artifacts[artifact.file].map { [UInt8]($0) }
      if SHA256.hex(of: rebuiltBytes) == artifact.sha256 && rebuiltBytes.count == artifact.size {
        if let releasedBytes, releasedBytes != rebuiltBytes {
          // The rebuild matches the manifest: the file beside it was changed afterwards.
          changed.append("'\(artifact.file)' \(released.place) no longer matches its sha256")
          differences +=
            ReleaseImageDifference.compare(
              file: artifact.file, released: releasedBytes, rebuilt: rebuiltBytes
            ).map { [$0] } ?? []
        } else {
          identical.append(artifact.file)
        }
        continue
      }
      if let releasedBytes,
        let difference = ReleaseImageDifference.compare(
          file: artifact.file, released: releasedBytes, rebuilt: rebuiltBytes)
      {
        differences.append(difference)
        // An initrd is the rootfs packed: name the entry, which is the input that differs.
        if artifact.file == manifest.initrd?.file,
          let entry = InitrdDifference.describe(released: releasedBytes, rebuilt: rebuiltBytes)
        {
          changed.append(entry)
        }
      } else {
        differences.append(
          ReleaseImageDifference(
            file: artifact.file, releasedSize: artifact.size, rebuiltSize: rebuiltBytes.count,
            firstOffset: 0, region: nil))
      }
    }
    for (file, releasedBytes) in released.otherFiles.sorted(by: { $0.key < $1.key }) {
      let rebuilt = (try? fileSystem.readData(copy + "/" + outputs + "/" + file)).map { [UInt8]($0) }
      if let difference = ReleaseImageDifference.compare(
        file: file, released: [UInt8](releasedBytes), rebuilt: rebuilt ?? [])
      {
        differences.append(difference)
      } else {
        identical.append(file)
      }
    }
    if !differences.isEmpty && changed.isEmpty {
      // Never leave a difference unexplained: say that the inputs were checked and agree.
      changed.append(released.unexplained)
    }
    return Outcome(
      manifest: manifest, projectDirectory: project, changedInputs: changed, identical: identical,
      differences: differences, keptDirectory: keep ? copy : nil)
  }

  /// The project files, kernel libraries and the kraft version, each compared with the
  /// manifest; one line per difference.
  func changedInputs(
    _ manifest: ReleaseManifest, project: String, outputs: String, kernel: KernelTree
  ) throws -> [String] {
    var lines: [String] = []
    let now = try ReleaseInputs(fileSystem: fileSystem).projectFiles(directory: project, excluding: [outputs])
      .files
    let recorded = Dictionary(manifest.project.files.map { ($0.path, $0.sha256) }) { first, _ in first }
    let current = Dictionary(now.map { ($0.path, $0.sha256) }) { first, _ in first }
    for file in manifest.project.files {
      guard let sha = current[file.path] else {
        lines.append("input '\(file.path)' is missing from the project")
        continue
      }
      if sha != file.sha256 {
        lines.append("input '\(file.path)' changed (sha256 \(sha), released \(file.sha256))")
      }
    }
    for file in now where recorded[file.path] == nil {
      lines.append("input '\(file.path)' is new since the release")
    }
    for library in manifest.kernelLibraries {
      let folder = kernel.kernelDirectory + "/" + library.path
      let hash = try? TreeHash.compute(directory: folder)
      if hash != library.treeHash {
        lines.append(
          "kernel library '\(library.name)' ('\(folder)') differs from the release's (tree \(hash ?? "missing"), released \(library.treeHash))"
        )
      }
    }
    return lines
  }

  /// Copies the project's files (not its build outputs, not `.git`), keeping execute bits
  /// and links as they are, and its empty folders (a rootfs's empty `tmp/` is in the initrd).
  func copyProject(from source: String, to destination: String, excluding outputs: String) throws {
    let files = try ReleaseInputs(fileSystem: fileSystem).projectFiles(
      directory: source, excluding: [outputs]
    ).files
    try fileSystem.createDirectory(destination)
    for file in files {
      if file.path.hasSuffix("/") {
        try fileSystem.createDirectory(destination + "/" + file.path)
        continue
      }
      let target = destination + "/" + file.path
      try fileSystem.createDirectory((target as NSString).deletingLastPathComponent)
      try fileSystem.copy(source + "/" + file.path, to: target)
    }
  }

  static func absolute(_ path: String) -> String {
    LocalFileSystem().absolutePath(path)
  }
}
