/// Where two builds of the same file first differ: their sizes, the first differing byte,
/// and for ELF images the first section (in file order) whose size or bytes differ, which
/// says far more than a byte offset once sizes change and everything after moves.
public struct ReleaseImageDifference: Hashable, Sendable, CustomStringConvertible {
  /// One section of both files, named as in the released one.
  public struct SectionDifference: Hashable, Sendable {
    public var name: String
    /// Where the section lies in the released file.
    public var releasedOffset: Int
    public var releasedSize: Int
    /// nil when the rebuilt file has no section of that name.
    public var rebuiltSize: Int?
    /// The first differing byte, counted from the section's start (nil when only sizes differ).
    public var offsetInSection: Int?
  }

  public var file: String
  public var releasedSize: Int
  public var rebuiltSize: Int
  /// The first byte that differs; the shorter file's size when it is a prefix of the other.
  public var firstOffset: Int
  /// What holds `firstOffset` in the released file; nil when the file is not ELF (an initrd).
  public var region: ELFSectionTable.Region?
  /// The first section that differs, when both files are ELF.
  public var section: SectionDifference?

  /// nil when the files are identical.
  public static func compare(file: String, released: [UInt8], rebuilt: [UInt8])
    -> ReleaseImageDifference?
  {
    guard released != rebuilt else { return nil }
    let offset = firstDifference(released[...], rebuilt[...]) ?? min(released.count, rebuilt.count)
    let releasedTable = try? ELFSectionTable(released)
    var section: SectionDifference?
    if let releasedTable, let rebuiltTable = try? ELFSectionTable(rebuilt) {
      section = firstSectionDifference(releasedTable, released, rebuiltTable, rebuilt)
    }
    return ReleaseImageDifference(
      file: file, releasedSize: released.count, rebuiltSize: rebuilt.count, firstOffset: offset,
      region: releasedTable?.region(containing: offset), section: section)
  }

  /// Sections in the released file's order; each compared with the rebuilt section of the same
  /// name (the n-th of that name, for repeated names).
  static func firstSectionDifference(
    _ releasedTable: ELFSectionTable, _ released: [UInt8], _ rebuiltTable: ELFSectionTable,
    _ rebuilt: [UInt8]
  ) -> SectionDifference? {
    var remaining = rebuiltTable.sections
    for ours in releasedTable.sections.sorted(by: { $0.offset < $1.offset }) {
      guard let index = remaining.firstIndex(where: { $0.name == ours.name }) else {
        return SectionDifference(
          name: ours.name, releasedOffset: ours.offset, releasedSize: ours.size, rebuiltSize: nil,
          offsetInSection: nil)
      }
      let theirs = remaining.remove(at: index)
      let a = slice(released, ours)
      let b = slice(rebuilt, theirs)
      if ours.size != theirs.size || a != b {
        return SectionDifference(
          name: ours.name, releasedOffset: ours.offset, releasedSize: ours.size,
          rebuiltSize: theirs.size, offsetInSection: firstDifference(a, b))
      }
    }
    return nil
  }

  static func slice(_ bytes: [UInt8], _ section: ELFSectionTable.Section) -> ArraySlice<UInt8> {
    let start = min(section.offset, bytes.count)
    return bytes[start..<min(start + section.size, bytes.count)]
  }

  /// Index from the start of both slices of the first differing byte within their common
  /// length; nil when one is a prefix of the other.
  static func firstDifference(_ a: ArraySlice<UInt8>, _ b: ArraySlice<UInt8>) -> Int? {
    let common = min(a.count, b.count)
    var index = 0
    // Compare in blocks first: images are megabytes and usually differ late if at all.
    while index < common {
      let end = min(index + 4096, common)
      if a[(a.startIndex + index)..<(a.startIndex + end)] != b[(b.startIndex + index)..<(b.startIndex + end)]
      {
        return (index..<end).first { a[a.startIndex + $0] != b[b.startIndex + $0] }
      }
      index = end
    }
    return nil
  }

  public var description: String {
    let hex = ELFSectionTable.hex
    var text = "'\(file)' differs: "
    text +=
      releasedSize == rebuiltSize
      ? "same size (\(releasedSize) bytes)"
      : "size \(releasedSize) bytes released, \(rebuiltSize) rebuilt"
    if let section {
      text += "; first differing section '\(section.name)' (file offset 0x\(hex(section.releasedOffset))"
      if let rebuilt = section.rebuiltSize, rebuilt != section.releasedSize {
        text += ", size 0x\(hex(section.releasedSize)) released, 0x\(hex(rebuilt)) rebuilt"
      } else if section.rebuiltSize == nil {
        text += ", size 0x\(hex(section.releasedSize)); missing from the rebuilt file"
      } else {
        text += ", size 0x\(hex(section.releasedSize))"
      }
      if let inside = section.offsetInSection { text += ", first differing byte at +0x\(hex(inside))" }
      text += ")"
    }
    text += "; first differing byte of the file at offset 0x\(hex(firstOffset))"
    if let region { text += " (\(region))" }
    return text
  }
}
