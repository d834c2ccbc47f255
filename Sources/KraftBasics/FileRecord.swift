import Foundation

/// What `lstat` says about a file, as one line of text: type and mode, size, device and
/// inode, modification and change times. Two equal records mean the file was not edited,
/// replaced, truncated or touched in between (the change time cannot be set back by a user),
/// which is how kraft trusts what it worked out from a file last time without reading it
/// again: the fetch layer's stamps of verified trees, the build's memos of hashes and option
/// names.
public enum FileRecord {
  /// The record of the entry itself (a symbolic link's own, not its target's); nil when it
  /// cannot be read.
  public static func of(_ path: String) -> String? {
    var info = stat()
    guard lstat(path, &info) == 0 else { return nil }
    return describe(info)
  }

  /// The entry's record and, for a symbolic link, its target's after ` -> ` (for memos of
  /// what was read through the link); nil when either cannot be read.
  public static func following(_ path: String) -> String? {
    var info = stat()
    guard lstat(path, &info) == 0 else { return nil }
    let own = describe(info)
    guard (info.st_mode & S_IFMT) == S_IFLNK else { return own }
    guard stat(path, &info) == 0 else { return nil }
    return own + " -> " + describe(info)
  }

  /// Whether the entry is a folder, by the record's mode.
  public static func isDirectory(_ record: String) -> Bool {
    guard let mode = UInt32(record.prefix { $0 != " " }, radix: 8) else { return false }
    return (mode & UInt32(S_IFMT)) == UInt32(S_IFDIR)
  }

  /// The later change time, in seconds, of the entry and of what it leads to, read from its
  /// record (`of` or `following`); nil when the record is not one. A file changed within the
  /// file system's clock tick of now might change again unseen by its record, so memos leave
  /// such files out (ccache's rule).
  public static func changeTime(record: String) -> Int? {
    var latest: Int?
    for part in record.split(separator: " -> ", omittingEmptySubsequences: false) {
      // The change time is a record's last field: seconds, a dot, nanoseconds.
      guard let field = part.split(separator: " ").last, let dot = field.firstIndex(of: "."),
        let seconds = Int(field[..<dot])
      else { return nil }
      latest = max(latest ?? seconds, seconds)
    }
    return latest
  }

  private static func describe(_ info: stat) -> String {
    "\(String(info.st_mode, radix: 8)) \(info.st_size) \(info.st_dev):\(info.st_ino) "
      + "\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec) \(info.st_ctim.tv_sec).\(info.st_ctim.tv_nsec)"
  }
}
