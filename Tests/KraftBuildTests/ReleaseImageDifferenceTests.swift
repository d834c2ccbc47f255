import KraftBuild
import Testing

/// The first difference between a released and a rebuilt file, named by ELF section.
@Suite struct ReleaseImageDifferenceTests {
  /// A minimal ELF64 file: the header, `.text` (16 bytes by default, at 0x40), `.shstrtab`,
  /// then three section headers (null, `.text`, `.shstrtab`), 8-byte aligned (0x68 by default).
  static func elf(text: [UInt8] = Array(repeating: 0x90, count: 16)) -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: 64)
    bytes[0...3] = [0x7f, 0x45, 0x4c, 0x46]
    bytes[4] = 2  // 64-bit
    bytes[5] = 1  // little-endian
    bytes[6] = 1
    func put(_ value: UInt64, at offset: Int, width: Int) {
      for index in 0..<width { bytes[offset + index] = UInt8((value >> (8 * UInt64(index))) & 0xff) }
    }
    let names = Array("\0.text\0.shstrtab\0".utf8)
    let sectionHeaders = (64 + text.count + names.count + 7) & ~7
    put(UInt64(sectionHeaders), at: 40, width: 8)  // e_shoff
    put(64, at: 52, width: 2)  // e_ehsize
    put(56, at: 54, width: 2)  // e_phentsize
    put(64, at: 58, width: 2)  // e_shentsize
    put(3, at: 60, width: 2)  // e_shnum
    put(2, at: 62, width: 2)  // e_shstrndx
    bytes += text
    bytes += names
    bytes += [UInt8](repeating: 0, count: sectionHeaders - bytes.count)
    func section(name: Int, type: UInt32, offset: Int, size: Int) {
      let base = bytes.count
      bytes += [UInt8](repeating: 0, count: 64)
      put(UInt64(name), at: base, width: 4)
      put(UInt64(type), at: base + 4, width: 4)
      put(UInt64(offset), at: base + 24, width: 8)
      put(UInt64(size), at: base + 32, width: 8)
    }
    section(name: 0, type: 0, offset: 0, size: 0)
    section(name: 1, type: 1, offset: 0x40, size: text.count)
    section(name: 7, type: 3, offset: 0x40 + text.count, size: names.count)
    return bytes
  }

  @Test func readsSectionNamesAndPlaces() throws {
    let table = try ELFSectionTable(Self.elf())
    #expect(table.sections.map(\.name) == [".text", ".shstrtab"])
    #expect(table.region(containing: 3) == .elfHeader)
    #expect(
      table.region(containing: 0x45).description.hasPrefix("section '.text' (file offset 0x40, size 0x10)"))
    #expect(table.region(containing: 0x70) == .sectionHeaders)
  }

  @Test func namesTheSectionOfTheFirstDifference() throws {
    var changed = Array(repeating: UInt8(0x90), count: 16)
    changed[5] = 0xcc
    let difference = try #require(
      ReleaseImageDifference.compare(file: "img", released: Self.elf(), rebuilt: Self.elf(text: changed)))
    #expect(difference.firstOffset == 0x45)
    #expect(difference.releasedSize == difference.rebuiltSize)
    #expect(difference.section?.name == ".text")
    #expect(difference.section?.offsetInSection == 5)
    #expect(
      difference.description
        == "'img' differs: same size (296 bytes); first differing section '.text' (file offset 0x40, size 0x10, first differing byte at +0x5); first differing byte of the file at offset 0x45 (section '.text' (file offset 0x40, size 0x10))"
    )
    #expect(ReleaseImageDifference.compare(file: "img", released: Self.elf(), rebuilt: Self.elf()) == nil)
  }

  @Test func aGrownSectionIsNamedEvenThoughTheHeaderDiffersFirst() throws {
    let released = Self.elf()
    let rebuilt = Self.elf(text: Array(repeating: 0x90, count: 24))
    let difference = try #require(
      ReleaseImageDifference.compare(file: "img", released: released, rebuilt: rebuilt))
    // The section header table moved, so the ELF header's e_shoff is the first byte to differ.
    #expect(difference.region == .elfHeader)
    #expect(difference.section?.name == ".text")
    #expect(difference.section?.rebuiltSize == 24)
    #expect(
      difference.description.contains(
        "first differing section '.text' (file offset 0x40, size 0x10 released, 0x18 rebuilt"))
  }

  @Test func aLongerFileDiffersWhereTheShorterEnds() throws {
    let released = Self.elf()
    let difference = try #require(
      ReleaseImageDifference.compare(file: "img", released: released, rebuilt: released + [1, 2]))
    #expect(difference.firstOffset == released.count)
    #expect(difference.description.contains("size 296 bytes released, 298 rebuilt"))
  }

  @Test func damagedOrForeignFilesAreErrorsNotCrashes() {
    #expect(throws: ELFSectionTable.NotELF.self) { try ELFSectionTable([0x7f, 0x45]) }
    var truncated = Self.elf()
    truncated.removeLast(100)
    #expect(throws: ELFSectionTable.NotELF.self) { try ELFSectionTable(truncated) }
    let cpio = Array("070701".utf8) + [UInt8](repeating: 0x30, count: 100)
    let difference = ReleaseImageDifference.compare(file: "initrd", released: cpio, rebuilt: cpio + [0])
    #expect(difference?.region == nil)
  }
}
