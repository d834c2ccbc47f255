import Foundation
import KraftBasics

/// One entry of a source tree as the tree hash lists it (docs/ports.md): a file, an executable
/// file, a link (hashed by its target text) or, where a walk keeps them, an empty folder
/// (`path/`, hashed as nothing).
public struct TreeEntry: Sendable, Equatable {
  public enum Kind: String, Sendable { case file, exec, link, dir }

  public var path: String
  public var kind: Kind
  /// sha256 hex of the bytes, of the link's target, or of nothing for a folder.
  public var sha256: String

  /// The entry's line in the tree hash: `<type> <sha256 hex> <path>\n`.
  public var line: String { "\(kind.rawValue) \(sha256) \(path)\n" }
}

/// The one walk over a source tree that both the fetch's tree hash and a release's project
/// inputs use, so that they hash a tree the same way: links are never followed, anything that
/// is not a file, a link or a folder is refused, entries come sorted by path bytes.
public struct TreeWalk: Sendable {
  public var fileSystem: any FileSystem
  /// True for a relative path to leave out, with everything below it.
  public var skips: @Sendable (_ relativePath: String) -> Bool
  /// List an empty folder as an entry of its own (a rootfs's `tmp/` is an input of a release).
  public var listsEmptyFolders: Bool
  /// The error for an entry that vanished while walking (full path).
  public var unreadable: @Sendable (_ path: String) -> any Error
  /// The error for a device, socket or pipe (full and relative path).
  public var unsupported: @Sendable (_ path: String, _ relativePath: String) -> any Error

  public init(
    fileSystem: any FileSystem = LocalFileSystem(), skips: @escaping @Sendable (String) -> Bool,
    listsEmptyFolders: Bool, unreadable: @escaping @Sendable (String) -> any Error,
    unsupported: @escaping @Sendable (String, String) -> any Error
  ) {
    self.fileSystem = fileSystem
    self.skips = skips
    self.listsEmptyFolders = listsEmptyFolders
    self.unreadable = unreadable
    self.unsupported = unsupported
  }

  /// Every entry below `directory`, sorted by path (byte order).
  public func entries(of directory: String) throws -> [TreeEntry] {
    var entries: [TreeEntry] = []
    try collect(directory, relative: "", into: &entries)
    return entries.map { (Array($0.path.utf8), $0) }
      .sorted { $0.0.lexicographicallyPrecedes($1.0) }
      .map(\.1)
  }

  /// On disk a file is hashed in blocks (a tree can hold large files); another file system
  /// (the in-memory one of tests) hands over its bytes.
  private func sha256(of path: String) throws -> String {
    if fileSystem is LocalFileSystem { return try TreeHash.hashFile(path) }
    return SHA256.hex(of: [UInt8](try fileSystem.readData(path)))
  }

  private func collect(_ directory: String, relative: String, into entries: inout [TreeEntry])
    throws
  {
    for name in try fileSystem.list(directory) {
      let path = relative.isEmpty ? name : relative + "/" + name
      if skips(path) { continue }
      let full = directory + "/" + name
      guard let status = fileSystem.status(full) else { throw unreadable(full) }
      switch status.kind {
      case .directory:
        let before = entries.count
        try collect(full, relative: path, into: &entries)
        if listsEmptyFolders && entries.count == before {
          entries.append(TreeEntry(path: path + "/", kind: .dir, sha256: SHA256.hex(of: "")))
        }
      case .symbolicLink:
        let target = try fileSystem.destinationOfSymbolicLink(full)
        entries.append(TreeEntry(path: path, kind: .link, sha256: SHA256.hex(of: target)))
      case .file:
        let kind: TreeEntry.Kind = status.permissions & 0o111 != 0 ? .exec : .file
        entries.append(TreeEntry(path: path, kind: kind, sha256: try sha256(of: full)))
      case .other:
        throw unsupported(full, path)
      }
    }
  }
}
