import Foundation
import KraftBasics

/// A port's patches: `patches/NNNN-*.patch` under the port folder, applied in file-name
/// order. Its hash names the patched tree in the cache, so editing a patch rebuilds it.
public struct PatchSet: Hashable, Sendable {
  public struct Patch: Hashable, Sendable {
    public var name: String
    public var path: String
    public var sha256: String
  }

  public var patches: [Patch]

  public init(patches: [Patch]) { self.patches = patches }

  /// Reads `<portDirectory>/patches/*.patch`; no folder means no patches.
  public static func load(
    portDirectory: String, fileSystem: any FileSystem = LocalFileSystem()
  ) throws -> PatchSet {
    let folder = portDirectory + "/patches"
    guard fileSystem.exists(folder) else { return PatchSet(patches: []) }
    let names = try fileSystem.list(folder)
      .filter { $0.hasSuffix(".patch") || $0.hasSuffix(".diff") }
      .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    return PatchSet(
      patches: try names.map { name in
        let path = folder + "/" + name
        return Patch(name: name, path: path, sha256: try TreeHash.hashFile(path))
      })
  }

  public var isEmpty: Bool { patches.isEmpty }

  /// `sha256:<hex>` of the lines `<file name> <sha256 of its bytes>\n` in order; nil for an
  /// empty set, so an unpatched port's lock entry says so plainly.
  public var hash: String? {
    guard !patches.isEmpty else { return nil }
    var hasher = SHA256()
    for patch in patches { hasher.update("\(patch.name) \(patch.sha256)\n") }
    return "sha256:" + hasher.finalizeHex()
  }
}
