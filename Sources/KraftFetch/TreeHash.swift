import Foundation
import KraftBasics

/// The content hash of a source tree, independent of how it was fetched. Definition (also in
/// docs/ports.md):
///
/// 1. Take every regular file and symbolic link under the root, recursively; folders are not
///    entries (git cannot record empty ones) and a top-level `.git` is skipped.
/// 2. For each, one line `<type> <sha256 hex> <path>\n`: type `file`, `exec` (any execute bit
///    set) or `link`; the hash is of the file's bytes or of the link's target text; the path is
///    relative, `/`-separated, UTF-8.
/// 3. Sort the lines by path (byte order) and hash their concatenation: `sha256:<hex>`.
///
/// Ownership, timestamps and other permission bits are ignored: archives and checkouts differ
/// there even when the code is identical.
public enum TreeHash {
  public static func compute(directory: String) throws -> String {
    hash(lines: try lines(directory: directory).map(\.line))
  }

  /// Every entry's line (step 2), sorted by path (step 3).
  public static func lines(directory: String) throws -> [(path: String, line: String)] {
    try walk.entries(of: directory).map { ($0.path, $0.line) }
  }

  /// The tree hash of lines already sorted by path.
  public static func hash(lines: [String]) -> String {
    var hasher = SHA256()
    for line in lines { hasher.update(line) }
    return "sha256:" + hasher.finalizeHex()
  }

  /// Step 1: a top-level `.git` is skipped, folders are not entries.
  private static let walk = TreeWalk(
    skips: { $0 == ".git" }, listsEmptyFolders: false,
    unreadable: { FetchError.failed("cannot read '\($0)': it disappeared while being hashed") },
    unsupported: { _, path in
      FetchError(
        .verificationFailed, "'\(path)' is neither a file, a link nor a folder; remove it")
    })

  /// sha256 of a file's bytes, read in blocks.
  public static func hashFile(_ path: String) throws -> String {
    guard let handle = FileHandle(forReadingAtPath: path) else {
      throw FetchError.failed("cannot open '\(path)'")
    }
    defer { try? handle.close() }
    var hasher = SHA256()
    while let block = try handle.read(upToCount: 1 << 16), !block.isEmpty {
      block.withUnsafeBytes { hasher.update($0) }
    }
    return hasher.finalizeHex()
  }
}
