import KraftBuild
import Testing

/// KraftBuild's ELF reader on hand-made bytes: the image tests are only as good as it is.
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
