/// How much an archive may expand to. A tiny archive can declare a huge sparse file and a
/// small gzip can hold gigabytes of zeros; both would fill the shared cache's disk and keep
/// the tree hash busy. Release archives of source code come nowhere near these bounds: the
/// Linux kernel's tarball expands about ten times to 1.4 GB.
public struct ArchiveLimits: Hashable, Sendable {
  /// Total bytes of all files, as their sizes say (sparse holes count).
  public var maximumBytes: Int64
  /// Extracted bytes per archive byte, checked once more than `ratioFloor` bytes came out.
  public var maximumRatio: Int64
  public var ratioFloor: Int64
  /// Files, folders and links together.
  public var maximumEntries: Int

  public init(maximumBytes: Int64, maximumRatio: Int64, ratioFloor: Int64, maximumEntries: Int) {
    self.maximumBytes = maximumBytes
    self.maximumRatio = maximumRatio
    self.ratioFloor = ratioFloor
    self.maximumEntries = maximumEntries
  }

  /// 4 GiB in all, at most 100 times the archive's size beyond the first 64 MiB, and half a
  /// million entries.
  public static let standard = ArchiveLimits(
    maximumBytes: 4 << 30, maximumRatio: 100, ratioFloor: 64 << 20, maximumEntries: 500_000)

  /// Nil when `total` bytes from an archive of `archiveSize` bytes are acceptable; else why not.
  func problem(total: Int64, archiveSize: Int64) -> String? {
    if total > maximumBytes {
      return "it expands to more than \(Self.describe(maximumBytes))"
    }
    if total > ratioFloor && total / max(archiveSize, 1) > maximumRatio {
      return "it expands more than \(maximumRatio) times its own size (an archive bomb?)"
    }
    return nil
  }

  static func describe(_ bytes: Int64) -> String {
    bytes >= 1 << 30 && bytes % (1 << 30) == 0
      ? "\(bytes >> 30) GiB"
      : bytes >= 1 << 20 && bytes % (1 << 20) == 0 ? "\(bytes >> 20) MiB" : "\(bytes) bytes"
  }
}
