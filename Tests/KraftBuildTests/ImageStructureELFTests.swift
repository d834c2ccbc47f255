import Testing

/// A small reader for 64-bit little-endian ELF files: the header, program headers, sections
/// and notes. Enough to check an image's structure (entry point, segments, Xen notes) without
/// depending on binutils; it validates every offset it follows, so a corrupt file is an error,
/// not a crash.
struct ELFFile {
  struct ProgramHeader: Equatable {
    var type: UInt32
    var flags: UInt32
    var offset: UInt64
    var virtualAddress: UInt64
    var physicalAddress: UInt64
    var fileSize: UInt64
    var memorySize: UInt64
    var alignment: UInt64
  }

  struct Section: Equatable {
    var name: String
    var type: UInt32
    var flags: UInt64
    var address: UInt64
    var offset: UInt64
    var size: UInt64
  }

  struct Note: Equatable {
    var name: String
    var type: UInt32
    var descriptor: [UInt8]
  }

  struct Malformed: Error, CustomStringConvertible {
    var description: String
  }

  static let ptLoad: UInt32 = 1
  static let ptNote: UInt32 = 4
  static let shtNote: UInt32 = 7
  static let shtNobits: UInt32 = 8
  static let machineX86_64: UInt16 = 62
  static let machineAArch64: UInt16 = 183

  let bytes: [UInt8]
  let type: UInt16
  let machine: UInt16
  let entry: UInt64
  let programHeaders: [ProgramHeader]
  let sections: [Section]

  static func isELF(_ bytes: [UInt8]) -> Bool { bytes.starts(with: [0x7f, 0x45, 0x4c, 0x46]) }

  init(_ bytes: [UInt8]) throws {
    self.bytes = bytes
    guard Self.isELF(bytes), bytes.count >= 64 else { throw Malformed(description: "not an ELF file") }
    guard bytes[4] == 2, bytes[5] == 1 else {
      throw Malformed(description: "not a 64-bit little-endian ELF file")
    }
    type = try Self.u16(bytes, 16)
    machine = try Self.u16(bytes, 18)
    entry = try Self.u64(bytes, 24)
    let phoff = Int(try Self.u64(bytes, 32))
    let shoff = Int(try Self.u64(bytes, 40))
    let phentsize = Int(try Self.u16(bytes, 54))
    let phnum = Int(try Self.u16(bytes, 56))
    let shentsize = Int(try Self.u16(bytes, 58))
    let shnum = Int(try Self.u16(bytes, 60))
    let shstrndx = Int(try Self.u16(bytes, 62))

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
            name: "", type: try Self.u32(bytes, at + 4), flags: try Self.u64(bytes, at + 8),
            address: try Self.u64(bytes, at + 16), offset: try Self.u64(bytes, at + 24),
            size: try Self.u64(bytes, at + 32))
        ))
    }
    let names = shstrndx < raw.count ? raw[shstrndx].section : nil
    sections = try raw.map { entry in
      var section = entry.section
      if let names { section.name = try Self.string(bytes, Int(names.offset) + entry.nameOffset) }
      return section
    }
  }

  func section(named name: String) -> Section? { sections.first { $0.name == name } }

  /// The bytes of a region of the file.
  func contents(offset: UInt64, size: UInt64) throws -> [UInt8] {
    let start = Int(offset)
    let end = start + Int(size)
    guard start >= 0, end <= bytes.count, start <= end else {
      throw Malformed(description: "range \(offset)+\(size) lies outside the file")
    }
    return Array(bytes[start..<end])
  }

  /// The notes in a note section or segment (name size, descriptor size, type, then both
  /// padded to 4 bytes).
  func notes(offset: UInt64, size: UInt64) throws -> [Note] {
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
      let name = String(decoding: data[nameStart..<nameStart + nameSize].prefix { $0 != 0 }, as: UTF8.self)
      notes.append(
        Note(
          name: name, type: type, descriptor: Array(data[descriptorStart..<descriptorStart + descriptorSize]))
      )
      at = end
    }
    return notes
  }

  static func u16(_ b: [UInt8], _ at: Int) throws -> UInt16 {
    guard at >= 0, at + 2 <= b.count else { throw Malformed(description: "offset \(at) outside the file") }
    return UInt16(b[at]) | UInt16(b[at + 1]) << 8
  }

  static func u32(_ b: [UInt8], _ at: Int) throws -> UInt32 {
    guard at >= 0, at + 4 <= b.count else { throw Malformed(description: "offset \(at) outside the file") }
    return (0..<4).reduce(0) { $0 | UInt32(b[at + $1]) << (8 * $1) }
  }

  static func u64(_ b: [UInt8], _ at: Int) throws -> UInt64 {
    guard at >= 0, at + 8 <= b.count else { throw Malformed(description: "offset \(at) outside the file") }
    return (0..<8).reduce(0) { $0 | UInt64(b[at + $1]) << (8 * $1) }
  }

  static func string(_ b: [UInt8], _ at: Int) throws -> String {
    guard at >= 0, at < b.count else { throw Malformed(description: "string at \(at) outside the file") }
    return String(decoding: b[at...].prefix { $0 != 0 }, as: UTF8.self)
  }
}

/// The reader itself, on hand-made bytes: the image tests are only as good as it is.
@Suite struct ImageStructureELFTests {
  /// An ELF header with one PT_NOTE program header over one note ("Xen", type 18).
  static func sample(noteType: UInt32 = 18, entry: UInt64 = 0x100000) -> [UInt8] {
    func le(_ value: UInt64, _ size: Int) -> [UInt8] {
      (0..<size).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }
    let note = le(4, 4) + le(8, 4) + le(UInt64(noteType), 4) + Array("Xen\0".utf8) + le(0x100040, 8)
    var header = [0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0] + [UInt8](repeating: 0, count: 8)
    header += le(2, 2) + le(62, 2) + le(1, 4) + le(entry, 8) + le(64, 8) + le(0, 8)
    header += le(0, 4) + le(64, 2) + le(56, 2) + le(1, 2) + le(64, 2) + le(0, 2) + le(0, 2)
    let phdr =
      le(4, 4) + le(4, 4) + le(120, 8) + le(0, 8) + le(0, 8) + le(UInt64(note.count), 8)
      + le(UInt64(note.count), 8) + le(4, 8)
    return header + phdr + note
  }

  @Test func readsHeaderProgramHeadersAndNotes() throws {
    let elf = try ELFFile(Self.sample())
    #expect(elf.machine == ELFFile.machineX86_64)
    #expect(elf.type == 2)
    #expect(elf.entry == 0x100000)
    #expect(elf.programHeaders.count == 1)
    let segment = try #require(elf.programHeaders.first)
    #expect(segment.type == ELFFile.ptNote)
    let notes = try elf.notes(offset: segment.offset, size: segment.fileSize)
    #expect(notes == [ELFFile.Note(name: "Xen", type: 18, descriptor: [0x40, 0, 0x10, 0, 0, 0, 0, 0])])
  }

  @Test func rejectsTruncatedAndForeignFiles() {
    #expect(throws: ELFFile.Malformed.self) { try ELFFile(Array("#!/bin/sh\n".utf8)) }
    let truncated = Array(Self.sample().prefix(100))
    #expect(throws: ELFFile.Malformed.self) { try ELFFile(truncated) }
  }
}
