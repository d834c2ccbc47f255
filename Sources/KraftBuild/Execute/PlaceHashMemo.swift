import Foundation
import KraftBasics

/// The content hashes of a folder's files, remembered between builds (`PrebuiltKey`): the
/// compiler's own headers alone are 16 MB that every warm build hashed again. A memo holds,
/// for each file, its `lstat` record (type, mode, size, inode, modification and change
/// times) beside its hash, and is used only while every record is unchanged, as the fetch
/// layer's `VerifiedStamp` does for source trees: an edit, a replaced file, an addition or a
/// deletion changes a record (the change time cannot be set back by a user), and then every
/// file is hashed again. It lives in kraft's cache (`prebuilt/places/`), which kraft refuses
/// when others may write it.
struct PlaceHashMemo {
  static let header = "kraft place hashes 1"

  var directory: String
  /// The clock, in seconds (tests move it on instead of waiting).
  var now: () -> Int = { Int(Date().timeIntervalSince1970) }

  /// `files` (relative to `place`) with their hashes, from the memo when it still describes
  /// them, else from `hash` (and the memo is written again).
  func hashes(
    of place: String, files: [String], hash: (String) throws -> String
  ) throws -> [(String, String)] {
    let records = files.map { Self.record(place + "/" + $0) }
    let path = memoPath(place)
    if let text = try? String(contentsOfFile: path, encoding: .utf8) {
      let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
      if lines.count == files.count + 3, lines[0] == Self.header, lines[1] == place,
        lines.last == ""
      {
        var result: [(String, String)] = []
        for (index, file) in files.enumerated() {
          let fields = lines[index + 2].split(separator: "\t", omittingEmptySubsequences: false)
          guard fields.count == 3, fields[0] == file, let record = records[index],
            fields[1] == record
          else { break }
          result.append((file, String(fields[2])))
        }
        if result.count == files.count { return result }
      }
    }
    let result = try files.map { ($0, try hash($0)) }
    // Only files whose record could be read are remembered; a memo that cannot be written
    // costs the next build a re-hash, nothing else.
    // A file changed less than two seconds ago might change again within the same tick of
    // the file system's clock, unseen by its record (ccache's rule for its direct mode).
    let recent = now() - 2
    if records.allSatisfy({ $0 != nil }),
      files.allSatisfy({ Self.changeTime(place + "/" + $0).map { $0 < recent } ?? false })
    {
      var text = Self.header + "\n" + place + "\n"
      for (index, (file, digest)) in result.enumerated() {
        text += file + "\t" + records[index]! + "\t" + digest + "\n"
      }
      try? LocalFileSystem().createDirectory(directory, exactly: 0o755)
      try? PrebuiltStore.writeReplacing(path, Data(text.utf8))
    }
    return result
  }

  func memoPath(_ place: String) -> String {
    var hash = SHA256()
    hash.update(place)
    return directory + "/" + hash.finalizeHex()
  }

  /// `mode size device:inode mtime ctime` of the entry, and of what it leads to when it is a
  /// symbolic link (whose content is what is hashed); nil when either cannot be read.
  static func record(_ path: String) -> String? {
    var info = stat()
    guard lstat(path, &info) == 0 else { return nil }
    let own = describe(info)
    guard (info.st_mode & S_IFMT) == S_IFLNK else { return own }
    guard stat(path, &info) == 0 else { return nil }
    return own + " -> " + describe(info)
  }

  private static func describe(_ info: stat) -> String {
    "\(String(info.st_mode, radix: 8)) \(info.st_size) \(info.st_dev):\(info.st_ino) "
      + "\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec) \(info.st_ctim.tv_sec).\(info.st_ctim.tv_nsec)"
  }

  /// The later change time of the entry and what it leads to, in seconds.
  static func changeTime(_ path: String) -> Int? {
    var own = stat()
    var target = stat()
    guard lstat(path, &own) == 0, stat(path, &target) == 0 else { return nil }
    return max(own.st_ctim.tv_sec, target.st_ctim.tv_sec)
  }
}
