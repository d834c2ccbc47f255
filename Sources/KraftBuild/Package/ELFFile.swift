/// The one reader of 64-bit little-endian ELF files: the header, program headers, sections
/// and notes. `kraft verify` names the section a difference lies in (`ELFSectionTable`),
/// `kraft run` finds the memory an image needs (`ImageMemoryRequirement`), and the image
/// tests check entry points, segments and Xen notes with it, without binutils. Every offset
/// it follows is checked, so a damaged file is an error, not a crash.
public struct ELFFile: Sendable {
  public struct ProgramHeader: Equatable, Sendable {
    public var type: UInt32
    public var flags: UInt32
    public var offset: UInt64
    public var virtualAddress: UInt64
    public var physicalAddress: UInt64
    public var fileSize: UInt64
    public var memorySize: UInt64
    public var alignment: UInt64
  }

  public struct Section: Equatable, Sendable {
    /// `?` when the name lies outside the file.
    public var name: String
    public var type: UInt32
    public var flags: UInt64
    public var address: UInt64
    public var offset: UInt64
    public var size: UInt64
  }

  public struct Note: Equatable, Sendable {
    public var name: String
    public var type: UInt32
    public var descriptor: [UInt8]

    public init(name: String, type: UInt32, descriptor: [UInt8]) {
      self.name = name
      self.type = type
      self.descriptor = descriptor
    }
  }

  public struct Malformed: Error, Equatable, CustomStringConvertible {
    public var description: String
  }

  public static let ptLoad: UInt32 = 1
  public static let ptNote: UInt32 = 4
  public static let shtNote: UInt32 = 7
  public static let shtNobits: UInt32 = 8
  public static let machineX86_64: UInt16 = 62
  public static let machineAArch64: UInt16 = 183

  public let bytes: [UInt8]
  public let type: UInt16
  public let machine: UInt16
  public let entry: UInt64
  /// `e_ehsize`: the bytes of the ELF header itself.
  public let headerSize: Int
  /// Where the program and section header tables lie in the file.
  public let programHeaderTable: Range<Int>
  public let sectionHeaderTable: Range<Int>
  public let programHeaders: [ProgramHeader]
  /// Every section header, the null one at index 0 included.
  public let sections: [Section]

  public static func isELF(_ bytes: [UInt8]) -> Bool {
    bytes.starts(with: [0x7f, 0x45, 0x4c, 0x46])
  }

  public init(_ bytes: [UInt8]) throws {
    self.bytes = bytes
    guard Self.isELF(bytes), bytes.count >= 64 else {
      throw Malformed(description: "not an ELF file")
    }
    guard bytes[4] == 2, bytes[5] == 1 else {
      throw Malformed(description: "not a 64-bit little-endian ELF file")
    }
    type = try Self.u16(bytes, 16)
    machine = try Self.u16(bytes, 18)
    entry = try Self.u64(bytes, 24)
    headerSize = Int(try Self.u16(bytes, 52))
    let phoff = Int(clamping: try Self.u64(bytes, 32))
    let shoff = Int(clamping: try Self.u64(bytes, 40))
    let phentsize = Int(try Self.u16(bytes, 54))
    let phnum = Int(try Self.u16(bytes, 56))
    let shentsize = Int(try Self.u16(bytes, 58))
    let shnum = Int(try Self.u16(bytes, 60))
    let shstrndx = Int(try Self.u16(bytes, 62))
    programHeaderTable = try Self.table(
      at: phoff, count: phnum, entrySize: phentsize, minimumEntry: 56, in: bytes, "program")
    sectionHeaderTable = try Self.table(
      at: shoff, count: shnum, entrySize: shentsize, minimumEntry: 64, in: bytes, "section")

    programHeaders = try (0..<phnum).map { index in
      let at = phoff + index * phentsize
      return ProgramHeader(
        type: try Self.u32(bytes, at), flags: try Self.u32(bytes, at + 4),
        offset: try Self.u64(bytes, at + 8), virtualAddress: try Self.u64(bytes, at + 16),
        physicalAddress: try Self.u64(bytes, at + 24), fileSize: try Self.u64(bytes, at + 32),
        memorySize: try Self.u64(bytes, at + 40), alignment: try Self.u64(bytes, at + 48))
    }
    var raw: [(nameOffset: Int, section: Section)] = []
    for index in 0..<shnum {
      let at = shoff + index * shentsize
      raw.append(
        (
          Int(try Self.u32(bytes, at)),
          Section(
            name: "?", type: try Self.u32(bytes, at + 4), flags: try Self.u64(bytes, at + 8),
            address: try Self.u64(bytes, at + 16), offset: try Self.u64(bytes, at + 24),
            size: try Self.u64(bytes, at + 32))
        ))
    }
    let names = shstrndx < raw.count ? raw[shstrndx].section : nil
    sections = raw.map { entry in
      var section = entry.section
      if let names, let start = Int(exactly: names.offset), start + entry.nameOffset < bytes.count {
        let at = start + entry.nameOffset
        section.name = String(decoding: bytes[at...].prefix { $0 != 0 }, as: UTF8.self)
      }
      return section
    }
  }

  public func section(named name: String) -> Section? { sections.first { $0.name == name } }

  /// The bytes of a region of the file.
  public func contents(offset: UInt64, size: UInt64) throws -> [UInt8] {
    guard let start = Int(exactly: offset), let length = Int(exactly: size),
      start <= bytes.count, length <= bytes.count - start
    else {
      throw Malformed(description: "range \(offset)+\(size) lies outside the file")
    }
    return Array(bytes[start..<start + length])
  }

  /// The notes in a note section or segment (name size, descriptor size, type, then both
  /// padded to 4 bytes).
  public func notes(offset: UInt64, size: UInt64) throws -> [Note] {
    let data = try contents(offset: offset, size: size)
    var notes: [Note] = []
    var at = 0
    while at + 12 <= data.count {
      let nameSize = Int(try Self.u32(data, at))
      let descriptorSize = Int(try Self.u32(data, at + 4))
      let type = try Self.u32(data, at + 8)
      let nameStart = at + 12
      let descriptorStart = nameStart + (nameSize + 3) / 4 * 4
      let end = descriptorStart + (descriptorSize + 3) / 4 * 4
      guard descriptorStart + descriptorSize <= data.count else {
        throw Malformed(description: "note at \(at) runs past its section")
      }
      let name = String(
        decoding: data[nameStart..<nameStart + nameSize].prefix { $0 != 0 }, as: UTF8.self)
      notes.append(
        Note(
          name: name, type: type,
          descriptor: Array(data[descriptorStart..<descriptorStart + descriptorSize])))
      at = end
    }
    return notes
  }

  /// A header table's byte range, checked to lie in the file with entries large enough.
  private static func table(
    at offset: Int, count: Int, entrySize: Int, minimumEntry: Int, in bytes: [UInt8],
    _ what: String
  ) throws -> Range<Int> {
    guard count > 0 else { return offset..<offset }
    guard entrySize >= minimumEntry, offset <= bytes.count,
      count <= (bytes.count - offset) / entrySize
    else {
      throw Malformed(description: "the \(what) header table lies outside the file")
    }
    return offset..<(offset + count * entrySize)
  }

  static func u16(_ b: [UInt8], _ at: Int) throws -> UInt16 {
    UInt16(truncatingIfNeeded: try little(b, at, 2))
  }

  static func u32(_ b: [UInt8], _ at: Int) throws -> UInt32 {
    UInt32(truncatingIfNeeded: try little(b, at, 4))
  }

  static func u64(_ b: [UInt8], _ at: Int) throws -> UInt64 { try little(b, at, 8) }

  /// A little-endian unsigned value of `width` bytes at `at`.
  static func little(_ b: [UInt8], _ at: Int, _ width: Int) throws -> UInt64 {
    guard at >= 0, at <= b.count - width else {
      throw Malformed(description: "offset \(at) outside the file")
    }
    var value: UInt64 = 0
    for index in (0..<width).reversed() { value = value << 8 | UInt64(b[at + index]) }
    return value
  }
}
