/// Just enough of a 64-bit little-endian ELF file to say where a byte lies: in the ELF
/// header, the program or section header table, or a named section. `kraft verify` uses it to
/// report the first difference between two images in terms a person can follow up with
/// `llvm-objdump -h`. Every offset read is checked, so a damaged file is an error, not a crash.
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

  private static let SHT_NOBITS: UInt32 = 8

  public init(_ bytes: [UInt8]) throws {
    guard bytes.count >= 64, bytes[0] == 0x7f, bytes[1] == 0x45, bytes[2] == 0x4c, bytes[3] == 0x46
    else { throw NotELF(reason: "no ELF magic") }
    guard bytes[4] == 2, bytes[5] == 1 else {
      throw NotELF(reason: "not a 64-bit little-endian ELF file")
    }
    let reader = Reader(bytes: bytes)
    headerSize = Int(try reader.u16(52))
    let phoff = Int(try reader.u64(32))
    let phentsize = Int(try reader.u16(54))
    let phnum = Int(try reader.u16(56))
    let shoff = Int(try reader.u64(40))
    let shentsize = Int(try reader.u16(58))
    let shnum = Int(try reader.u16(60))
    let shstrndx = Int(try reader.u16(62))
    programHeaders = phoff..<(phoff + phentsize * phnum)
    sectionHeaders = shoff..<(shoff + shentsize * shnum)
    guard shnum == 0 || (shentsize >= 64 && sectionHeaders.upperBound <= bytes.count) else {
      throw NotELF(reason: "the section header table lies outside the file")
    }
    var raw: [(nameOffset: Int, type: UInt32, offset: Int, size: Int)] = []
    for index in 0..<shnum {
      let base = shoff + index * shentsize
      raw.append(
        (
          Int(try reader.u32(base)), try reader.u32(base + 4), Int(try reader.u64(base + 24)),
          Int(try reader.u64(base + 32))
        ))
    }
    let names = shstrndx < raw.count ? raw[shstrndx] : nil
    sections = try raw.dropFirst().map { entry in
      var name = "?"
      if let names, names.offset + entry.nameOffset < bytes.count {
        name = try reader.string(names.offset + entry.nameOffset)
      }
      let occupiesFile = entry.type != Self.SHT_NOBITS
      return Section(name: name, offset: entry.offset, size: occupiesFile ? entry.size : 0)
    }
  }

  /// Lower-case hexadecimal, for offsets in messages.
  static func hex(_ value: Int) -> String { String(value, radix: 16) }

  public func region(containing offset: Int) -> Region {
    if offset < headerSize { return .elfHeader }
    if programHeaders.contains(offset) { return .programHeaders }
    if sectionHeaders.contains(offset) { return .sectionHeaders }
    if let section = sections.first(where: {
      $0.size > 0 && ($0.offset..<($0.offset + $0.size)).contains(offset)
    }) {
      return .section(section)
    }
    return .unassigned
  }

  private struct Reader {
    var bytes: [UInt8]

    func u16(_ at: Int) throws -> UInt16 { UInt16(truncatingIfNeeded: try value(at, 2)) }
    func u32(_ at: Int) throws -> UInt32 { UInt32(truncatingIfNeeded: try value(at, 4)) }
    func u64(_ at: Int) throws -> UInt64 { try value(at, 8) }

    func value(_ at: Int, _ width: Int) throws -> UInt64 {
      guard at >= 0, at + width <= bytes.count else {
        throw NotELF(reason: "a header points past the end of the file")
      }
      var result: UInt64 = 0
      for index in (0..<width).reversed() { result = result << 8 | UInt64(bytes[at + index]) }
      return result
    }

    func string(_ at: Int) throws -> String {
      guard at < bytes.count else { throw NotELF(reason: "a section name lies outside the file") }
      let end = bytes[at...].firstIndex(of: 0) ?? bytes.count
      return String(decoding: bytes[at..<end], as: UTF8.self)
    }
  }
}
