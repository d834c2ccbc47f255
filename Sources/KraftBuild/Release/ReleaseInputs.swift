import Foundation
import KraftBasics
import KraftFetch
import KraftManifest
import KraftModel

/// Collects what a release manifest says about an image's inputs: the application's files,
/// the kernel libraries' trees, and each port's pins and patches. Hashes follow the tree-hash
/// definition of docs/ports.md, so a project tree hash compares with any other tree hash.
public struct ReleaseInputs: Sendable {
  public var fileSystem: any FileSystem

  public init(fileSystem: any FileSystem = LocalFileSystem()) {
    self.fileSystem = fileSystem
  }

  /// Every file of the project folder except build outputs (`.unikraft/`, which also holds
  /// `kraft port edit` workspaces, and an `outdir` inside the project) and `.git` at any
  /// depth (a repository's internals are not sources), with the folder's tree hash. An empty
  /// folder is an input too (a rootfs's `tmp/` is part of the initrd): it is listed as its
  /// path with a trailing `/` and the sha256 of nothing.
  public func projectFiles(directory: String, excluding: [String]) throws -> (
    files: [ReleaseFile], treeHash: String
  ) {
    let skipped = Set(excluding + [".unikraft", ".git"])
    let walk = TreeWalk(
      fileSystem: fileSystem,
      skips: { skipped.contains($0) || $0.hasSuffix("/.git") }, listsEmptyFolders: true,
      unreadable: { ReleaseError(.missingInput, "cannot read '\($0)': it disappeared while being read") },
      unsupported: { path, _ in
        ReleaseError(
          .invalidInput, "'\(path)' is neither a file, a link nor a folder; move it out of the project")
      })
    let entries = try walk.entries(of: directory)
    return (
      entries.map { ReleaseFile(path: $0.path, sha256: $0.sha256) },
      TreeHash.hash(lines: entries.map(\.line))
    )
  }

  /// The kernel libraries of an image (not ports), each with its folder's tree hash, plus the
  /// shared headers (`Kernel/include`) as `include`.
  public func kernelLibraries(_ target: TargetBuildPlan, kernel: KernelTree) throws
    -> [ReleaseKernelLibrary]
  {
    var result = [
      ReleaseKernelLibrary(
        name: "include", path: "include",
        treeHash: try TreeHash.compute(directory: kernel.kernelDirectory + "/include"))
    ]
    for library in target.resolution.libraries where library.kind != .port {
      let path =
        library.directory.hasPrefix(kernel.kernelDirectory + "/")
        ? String(library.directory.dropFirst(kernel.kernelDirectory.count + 1)) : library.directory
      result.append(
        ReleaseKernelLibrary(
          name: library.name, path: path, treeHash: try TreeHash.compute(directory: library.directory)))
    }
    return result
  }

  /// The ports of an image as `Kraftfile.lock` pins them. Every port needs a complete entry
  /// (a tree hash, and an archive hash or a commit); the error lists every one that lacks it.
  public func ports(_ target: TargetBuildPlan, lock: Lockfile?, lockPath: String) throws
    -> [ReleasePort]
  {
    let ports = target.resolution.libraries.filter { $0.kind == .port }
    let missing = Self.missingLockEntries(ports: ports.map(\.name), lock: lock)
    guard missing.isEmpty else {
      throw ReleaseError(
        .invalidInput,
        "a release build needs every external source pinned in '\(lockPath)', but "
          + missing.map { "'\($0)'" }.joined(separator: ", ")
          + (missing.count == 1 ? " has" : " have")
          + " no complete entry (tree hash and archive sha256 or commit); run 'kraft lock' first")
    }
    return try ports.map { port in
      let entry = lock![port.name]!
      let patches = try PatchSet.load(portDirectory: port.directory, fileSystem: fileSystem)
      return ReleasePort(
        name: port.name, version: entry.version, url: entry.url, pin: entry.pin,
        patchSetHash: entry.patchSetHash,
        patches: patches.patches.map { ReleaseFile(path: "patches/" + $0.name, sha256: $0.sha256) },
        license: try Self.license(portDirectory: port.directory, fileSystem: fileSystem))
    }
  }

  /// Names (sorted) of the ports without a complete lock entry.
  public static func missingLockEntries(ports: [String], lock: Lockfile?) -> [String] {
    ports.filter { name in
      guard let entry = lock?[name] else { return true }
      return entry.pin.treeHash == nil || (entry.pin.archiveSHA256 == nil && entry.pin.commit == nil)
    }.sorted()
  }

  /// `license:` of `port.yaml` (an SPDX expression), when the recipe gives one.
  static func license(portDirectory: String, fileSystem: any FileSystem = LocalFileSystem()) throws -> String?
  {
    let path = portDirectory + "/port.yaml"
    guard let text = try? fileSystem.readText(path) else { return nil }
    let root = try YAMLComposer.compose(text, file: path)
    return try root.mapping(for: "a port recipe").optionalString("license")
  }
}
