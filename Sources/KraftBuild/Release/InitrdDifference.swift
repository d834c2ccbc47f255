import KraftBasics

/// Names the root-file-system entry that makes two initrds (cpio "newc" archives) differ, so
/// that `kraft verify` can say which input is to blame ("'tmp' is a folder in the release but
/// missing from the rebuild") rather than only a byte offset.
public enum InitrdDifference {
  /// One member of a newc archive: its path, type and permission bits, and its data's hash.
  struct Member: Equatable {
    var path: String
    var mode: UInt32
    var sha256: String

    var kindName: String {
      switch mode & 0o170000 {
      case 0o040000: return "folder"
      case 0o120000: return "link"
      default: return "file"
      }
    }
  }

  /// The first member (in path order) that is missing from one archive or differs in type,
  /// permissions or contents, described for a person; nil when the members agree (then the
  /// archives differ in their headers' other fields) or either is not a newc archive.
  public static func describe(released: [UInt8], rebuilt: [UInt8]) -> String? {
    guard let ours = members(released), let theirs = members(rebuilt) else { return nil }
    let rebuiltByPath = Dictionary(theirs.map { ($0.path, $0) }) { first, _ in first }
    let releasedByPath = Dictionary(ours.map { ($0.path, $0) }) { first, _ in first }
    let paths = Set(ours.map(\.path)).union(theirs.map(\.path))
      .sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    for path in paths {
      switch (releasedByPath[path], rebuiltByPath[path]) {
      case (let a?, nil):
        return "rootfs \(a.kindName) '\(path)' is in the released initrd but not in the rebuilt one"
      case (nil, let b?):
        return "rootfs \(b.kindName) '\(path)' is in the rebuilt initrd but not in the released one"
      case (let a?, let b?) where a != b:
        if a.mode != b.mode {
          return
            "rootfs entry '\(path)' has mode \(String(a.mode, radix: 8)) in the release, \(String(b.mode, radix: 8)) rebuilt"
        }
        return "rootfs \(a.kindName) '\(path)' has different contents in the release and the rebuild"
      default: continue
      }
    }
    return nil
  }

  /// The members of a newc archive up to its trailer; nil when `bytes` is not one.
  static func members(_ bytes: [UInt8]) -> [Member]? {
    var result: [Member] = []
    var offset = 0
    while offset + 110 <= bytes.count {
      guard bytes[offset..<offset + 6].elementsEqual("070701".utf8) else { return nil }
      func field(_ index: Int) -> Int? {
        let start = offset + 6 + index * 8
        return Int(String(decoding: bytes[start..<start + 8], as: UTF8.self), radix: 16)
      }
      guard let mode = field(1), let size = field(6), let nameSize = field(11), nameSize > 0 else {
        return nil
      }
      let nameStart = offset + 110
      let dataStart = align(nameStart + nameSize)
      guard dataStart + size <= bytes.count else { return nil }
      // Up to the first NUL: kraft's writer pads some names to start their data on a page.
      let name = String(
        decoding: bytes[nameStart..<nameStart + nameSize - 1].prefix { $0 != 0 }, as: UTF8.self)
      if name == "TRAILER!!!" { return result }
      result.append(
        Member(
          path: name, mode: UInt32(mode),
          sha256: SHA256.hex(of: Array(bytes[dataStart..<dataStart + size]))))
      offset = align(dataStart + size)
    }
    return nil
  }

  private static func align(_ value: Int) -> Int { (value + 3) & ~3 }
}
