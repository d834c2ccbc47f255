/// The application as the release saw it: its Kraftfile and every file of its folder.
public struct ReleaseProject: Hashable, Sendable, Codable {
  public var name: String
  /// The Kraftfile's path relative to the project folder (`Kraftfile`).
  public var kraftfile: String
  /// The project folder relative to the folder holding the manifest (`../..` for the default
  /// `.unikraft/build`), so `kraft verify` finds it without being told.
  public var directory: String
  /// Tree hash (docs/ports.md's definition) over `files`.
  public var treeHash: String
  /// Every file of the project folder, outputs (`.unikraft/`, `outdir`) and `.git` excluded.
  public var files: [ReleaseFile]

  public init(
    name: String, kraftfile: String, directory: String, treeHash: String, files: [ReleaseFile]
  ) {
    self.name = name
    self.kraftfile = kraftfile
    self.directory = directory
    self.treeHash = treeHash
    self.files = files.sorted { Array($0.path.utf8).lexicographicallyPrecedes(Array($1.path.utf8)) }
  }
}

/// One input file: path relative to its tree, sha256 of its bytes.
public struct ReleaseFile: Hashable, Sendable, Codable {
  public var path: String
  public var sha256: String

  public init(path: String, sha256: String) {
    self.path = path
    self.sha256 = sha256
  }
}

/// A library of kraft's kernel tree that the image contains.
public struct ReleaseKernelLibrary: Hashable, Sendable, Codable {
  public var name: String
  /// Relative to the kernel tree (`lib/kcore`, `arch/x86_64`, `include` for shared headers).
  public var path: String
  public var treeHash: String

  public init(name: String, path: String, treeHash: String) {
    self.name = name
    self.path = path
    self.treeHash = treeHash
  }
}

/// An external source the image contains, as `Kraftfile.lock` pins it.
public struct ReleasePort: Hashable, Sendable, Codable {
  public var name: String
  public var version: String
  public var url: String
  public var pin: UpstreamPin
  /// The patch set's hash as the lockfile records it; nil when the port has no patches.
  public var patchSetHash: String?
  /// In the order applied.
  public var patches: [ReleaseFile]
  /// The SPDX identifier from `port.yaml`'s `license:`, when it has one.
  public var license: String?
  /// The host tools (first `--version` line) that ran the port's `prepare:` step; nil
  /// without one.
  public var preparedWith: [PreparedTool]?

  public init(
    name: String, version: String, url: String, pin: UpstreamPin, patchSetHash: String?,
    patches: [ReleaseFile], license: String?, preparedWith: [PreparedTool]? = nil
  ) {
    self.preparedWith = preparedWith
    self.name = name
    self.version = version
    self.url = url
    self.pin = pin
    self.patchSetHash = patchSetHash
    self.patches = patches
    self.license = license
  }
}
