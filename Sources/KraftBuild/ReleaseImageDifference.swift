/// Where two builds of the same file first differ: their sizes, the first differing byte,
/// and the ELF section holding it (or the header, or padding) in the released file.
public struct ReleaseImageDifference: Hashable, Sendable, CustomStringConvertible {
  public var file: String
  public var releasedSize: Int
  public var rebuiltSize: Int
  /// The first byte that differs; the shorter file's size when it is a prefix of the other.
  public var firstOffset: Int
  /// nil when the file is not ELF (an initrd).
  public var region: ELFSectionTable.Region?

  /// nil when the files are identical.
  public static func compare(file: String, released: [UInt8], rebuilt: [UInt8])
    -> ReleaseImageDifference?
  {
    guard released != rebuilt else { return nil }
    let common = min(released.count, rebuilt.count)
    var offset = common
    // Compare in blocks first: images are megabytes and usually differ late if at all.
    var index = 0
    while index < common {
      let end = min(index + 4096, common)
      if released[index..<end] != rebuilt[index..<end] {
        offset = (index..<end).first { released[$0] != rebuilt[$0] }!
        break
      }
      index = end
    }
    let table = (try? ELFSectionTable(released)) ?? (try? ELFSectionTable(rebuilt))
    return ReleaseImageDifference(
      file: file, releasedSize: released.count, rebuiltSize: rebuilt.count, firstOffset: offset,
      region: table?.region(containing: offset))
  }

  public var description: String {
    var text = "'\(file)' differs: "
    text +=
      releasedSize == rebuiltSize
      ? "same size (\(releasedSize) bytes)"
      : "size \(releasedSize) bytes released, \(rebuiltSize) rebuilt"
    text += "; first difference at offset 0x\(ELFSectionTable.hex(firstOffset))"
    if let region { text += " in \(region)" }
    return text
  }
}
