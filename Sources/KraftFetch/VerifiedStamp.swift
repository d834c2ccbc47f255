import Foundation
import KraftBasics

/// What a cache entry looked like when its content was last verified: its tree hash and, for
/// every file, link and folder, its `FileRecord` (type, mode, size, inode, modification and
/// change times). Checking
/// an entry against its stamp costs one `lstat` per file, cheap enough for every use; any
/// edit, deletion or addition changes a size or a time (the change time cannot be set back
/// by a user), and only then is the whole tree hashed again.
struct VerifiedStamp: Equatable {
  /// Version 2 added each entry's device and inode (`FileRecord`); a stamp of version 1 is
  /// not believed, so its tree is hashed once more.
  static let header = "kraft verified entry 2"

  var treeHash: String
  /// One line per item below the entry, sorted by path.
  var listing: [String]

  /// The stamp of `directory` as it is now, for a tree known to hash to `treeHash`.
  static func take(_ directory: String, treeHash: String) throws -> VerifiedStamp {
    VerifiedStamp(treeHash: treeHash, listing: try listing(of: directory))
  }

  /// Listed through `fileSystem`; the records come from `lstat` itself (`FileStatus` has no
  /// times).
  static func listing(of directory: String, fileSystem: any FileSystem = LocalFileSystem())
    throws -> [String]
  {
    var lines: [String] = []
    try collect(directory, relative: "", fileSystem: fileSystem, into: &lines)
    return lines.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
  }

  /// `<path>\t<FileRecord>`; the path first so that sorting lines sorts paths (a tab sorts
  /// before any character a name normally holds).
  private static func collect(
    _ directory: String, relative: String, fileSystem: any FileSystem, into lines: inout [String]
  ) throws {
    for name in try fileSystem.list(directory) {
      let full = directory + "/" + name
      let path = relative.isEmpty ? name : relative + "/" + name
      guard let record = FileRecord.of(full) else {
        throw FetchError.failed("cannot read '\(full)': \(String(cString: strerror(errno)))")
      }
      lines.append(path + "\t" + record)
      if FileRecord.isDirectory(record) {
        try collect(full, relative: path, fileSystem: fileSystem, into: &lines)
      }
    }
  }

  /// The first path that differs between two listings, said the way a user understands.
  static func firstDifference(was old: [String], now new: [String]) -> String {
    func paths(_ lines: [String]) -> [String: String] {
      Dictionary(
        lines.map { line in
          let parts = line.split(separator: "\t", maxSplits: 1)
          return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
        }, uniquingKeysWith: { first, _ in first })
    }
    let before = paths(old)
    let after = paths(new)
    for path in Set(before.keys).union(after.keys).sorted() {
      switch (before[path], after[path]) {
      case (nil, _): return "'\(path)' was added"
      case (_, nil): return "'\(path)' was removed"
      case (let was?, let now?) where was != now: return "'\(path)' was changed"
      default: continue
      }
    }
    return "its record was changed"
  }

  init(treeHash: String, listing: [String]) {
    self.treeHash = treeHash
    self.listing = listing
  }

  /// Nil when the file is missing or not a stamp.
  init?(contentsOf path: String) {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    guard lines.count >= 2, lines[0] == Self.header, lines.last == "" else { return nil }
    lines.removeLast()
    treeHash = lines[1]
    listing = Array(lines.dropFirst(2))
  }

  var text: String {
    ([Self.header, treeHash] + listing).joined(separator: "\n") + "\n"
  }
}
