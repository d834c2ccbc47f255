/// Where a byte of a 64-bit little-endian ELF file (read by `ELFFile`) lies: in the ELF
/// header, the program or section header table, or a named section. `kraft verify` uses it to
/// report the first difference between two images in terms a person can follow up with
/// `llvm-objdump -h`.
public struct ELFSectionTable: Hashable, Sendable {
  public struct Section: Hashable, Sendable {
    public var name: String
    /// File offset and size of the bytes the section occupies (0 for `.bss`-like sections).
    public var offset: Int
    public var size: Int
  }

  /// What holds a given file offset.
  public enum Region: Hashable, Sendable, CustomStringConvertible {
    case elfHeader
    case programHeaders
    case sectionHeaders
    case section(Section)
    /// Alignment padding between sections, or anything no header describes.
    case unassigned

    public var description: String {
      switch self {
      case .elfHeader: return "the ELF header"
      case .programHeaders: return "the program headers"
      case .sectionHeaders: return "the section headers"
      case .section(let section):
        return
          "section '\(section.name)' (file offset 0x\(ELFSectionTable.hex(section.offset)), size 0x\(ELFSectionTable.hex(section.size)))"
      case .unassigned: return "padding outside any section"
      }
    }
  }

  public var sections: [Section]
  var headerSize: Int
  var programHeaders: Range<Int>
  var sectionHeaders: Range<Int>

  public struct NotELF: Error, Equatable {
    public var reason: String
  }

  /// Read with `ELFFile`; its `Malformed` becomes `NotELF`.
  public init(_ bytes: [UInt8]) throws {
    let elf: ELFFile
    do {
      elf = try ELFFile(bytes)
    } catch let error as ELFFile.Malformed {
      throw NotELF(reason: error.description)
    }
    headerSize = elf.headerSize
    programHeaders = elf.programHeaderTable
    sectionHeaders = elf.sectionHeaderTable
    sections = elf.sections.dropFirst().map { section in
      let occupiesFile = section.type != ELFFile.shtNobits
      return Section(
        name: section.name, offset: Int(clamping: section.offset),
        size: occupiesFile ? Int(clamping: section.size) : 0)
    }
  }

  /// Lower-case hexadecimal, for offsets in messages.
  static func hex(_ value: Int) -> String { String(value, radix: 16) }

  public func region(containing offset: Int) -> Region {
    if offset < headerSize { return .elfHeader }
    if programHeaders.contains(offset) { return .programHeaders }
    if sectionHeaders.contains(offset) { return .sectionHeaders }
    if let section = sections.first(where: {
      $0.size > 0 && offset >= $0.offset && offset - $0.offset < $0.size
    }) {
      return .section(section)
    }
    return .unassigned
  }
}
