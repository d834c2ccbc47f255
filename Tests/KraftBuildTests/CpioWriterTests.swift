import Foundation
import Testing

@testable import KraftBuild

/// Reads newc archives back, independently of the writer, to check what it wrote.
private struct NewcEntry: Equatable {
  var name: String
  var inode: UInt32
  var mode: UInt32
  var uid: UInt32
  var gid: UInt32
  var links: UInt32
  var mtime: UInt32
  var data: [UInt8]
  var dataOffset: Int
}

private func readNewc(_ bytes: [UInt8]) throws -> [NewcEntry] {
  struct Malformed: Error { var why: String }
  func field(_ start: Int, _ index: Int) throws -> UInt32 {
    let text = String(decoding: bytes[(start + 6 + index * 8)..<(start + 14 + index * 8)], as: UTF8.self)
    guard let value = UInt32(text, radix: 16) else { throw Malformed(why: "field \(index): \(text)") }
    return value
  }
  var entries: [NewcEntry] = []
  var offset = 0
  while true {
    guard offset % 4 == 0, offset + 110 <= bytes.count else { throw Malformed(why: "header at \(offset)") }
    guard String(decoding: bytes[offset..<(offset + 6)], as: UTF8.self) == "070701" else {
      throw Malformed(why: "magic at \(offset)")
    }
    let nameSize = Int(try field(offset, 11))
    let fileSize = Int(try field(offset, 6))
    let nameStart = offset + 110
    guard bytes[nameStart + nameSize - 1] == 0 else { throw Malformed(why: "name not terminated") }
    let name = String(
      decoding: bytes[nameStart..<(nameStart + nameSize - 1)].prefix { $0 != 0 }, as: UTF8.self)
    let dataStart = (nameStart + nameSize + 3) & ~3
    let entry = NewcEntry(
      name: name, inode: try field(offset, 0), mode: try field(offset, 1), uid: try field(offset, 2),
      gid: try field(offset, 3), links: try field(offset, 4), mtime: try field(offset, 5),
      data: Array(bytes[dataStart..<(dataStart + fileSize)]), dataOffset: dataStart)
    if name == "TRAILER!!!" {
      guard (dataStart + fileSize) == bytes.count else { throw Malformed(why: "bytes after trailer") }
      return entries
    }
    entries.append(entry)
    offset = (dataStart + fileSize + 3) & ~3
  }
}

private func temporaryFolder() throws -> String {
  let path = NSTemporaryDirectory() + "kraft-cpio-" + UUID().uuidString
  try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  return path
}

@Suite("CpioWriter")
struct CpioWriterTests {
  let sample = [
    CpioEntry(path: "etc/motd", kind: .file, permissions: 0o644, data: Array("hello\n".utf8)),
    CpioEntry(path: "etc", kind: .directory, permissions: 0o755),
    CpioEntry(path: "bin/tool", kind: .file, permissions: 0o755, data: [1, 2, 3]),
    CpioEntry(path: "bin", kind: .directory, permissions: 0o755),
    CpioEntry(path: "etc/link", kind: .symlink, permissions: 0o777, data: Array("motd".utf8)),
  ]

  @Test func writesNewcHeadersNamesAndPaddedData() throws {
    let bytes = try CpioWriter().archive([
      CpioEntry(path: "a", kind: .file, permissions: 0o600, data: Array("xyz".utf8))
    ])
    #expect(bytes.count % 4 == 0)
    // 110-byte header + "a\0" = 112 (aligned), then 3 data bytes padded to 4.
    #expect(String(decoding: bytes[0..<6], as: UTF8.self) == "070701")
    #expect(String(decoding: bytes[6..<14], as: UTF8.self) == "00000001")  // inode
    #expect(String(decoding: bytes[14..<22], as: UTF8.self) == "00008180")  // 0100600
    #expect(Array(bytes[110..<112]) == [UInt8(ascii: "a"), 0])
    #expect(Array(bytes[112..<116]) == [UInt8(ascii: "x"), UInt8(ascii: "y"), UInt8(ascii: "z"), 0])
    let entries = try readNewc(bytes)
    #expect(entries.count == 1)
    #expect(entries[0].data == Array("xyz".utf8))
  }

  static let large = (0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }

  @Test func startsLargeFilesAndWhatFollowsThemOnAPage() throws {
    let bytes = try CpioWriter().archive([
      CpioEntry(path: "a", kind: .file, permissions: 0o644, data: [1, 2, 3]),
      CpioEntry(path: "big", kind: .file, permissions: 0o644, data: Self.large),
      CpioEntry(path: "c", kind: .file, permissions: 0o644, data: [4]),
    ])
    let entries = try readNewc(bytes)
    #expect(entries.map(\.name) == ["a", "big", "c"])
    #expect(entries.map(\.data) == [[1, 2, 3], Self.large, [4]])
    #expect(entries[0].dataOffset == 112)  // a small file is packed as before
    #expect(entries[1].dataOffset % 4096 == 0)
    // No other entry's data in the large file's last page: the kernel zeroes the rest of it.
    let lastPageEnd = (entries[1].dataOffset + Self.large.count + 4095) / 4096 * 4096
    #expect(entries[2].dataOffset >= lastPageEnd)
    #expect(entries[2].dataOffset < lastPageEnd + 4)
  }

  @Test func sortsByPathNumbersInodesAndZeroesOwners() throws {
    let entries = try readNewc(CpioWriter().archive(sample))
    #expect(entries.map(\.name) == ["bin", "bin/tool", "etc", "etc/link", "etc/motd"])
    #expect(entries.map(\.inode) == [1, 2, 3, 4, 5])
    #expect(entries.allSatisfy { $0.uid == 0 && $0.gid == 0 && $0.mtime == 0 })
    #expect(entries[0].mode == 0o040755 && entries[0].links == 2)
    #expect(entries[3].mode == 0o120777 && entries[3].data == Array("motd".utf8))
    #expect(entries[4].mode == 0o100644 && entries[4].links == 1)
  }

  @Test func outputDoesNotDependOnInputOrder() throws {
    let writer = CpioWriter()
    #expect(try writer.archive(sample) == writer.archive(sample.reversed()))
    #expect(
      try writer.archive(sample) == writer.archive([sample[2], sample[0], sample[4], sample[1], sample[3]]))
  }

  @Test func usesSourceDateEpochForEveryEntry() throws {
    let stamped = CpioWriter(environment: ["SOURCE_DATE_EPOCH": "1700000000"])
    #expect(stamped.mtime == 1_700_000_000)
    #expect(try readNewc(stamped.archive(sample)).allSatisfy { $0.mtime == 1_700_000_000 })
    #expect(CpioWriter(environment: ["SOURCE_DATE_EPOCH": "yesterday"]).mtime == 0)
    #expect(CpioWriter(environment: [:]).mtime == 0)
  }

  @Test func emptyArchiveIsOnlyTheTrailer() throws {
    let bytes = try CpioWriter().archive([])
    #expect(try readNewc(bytes).isEmpty)
    #expect(bytes.count == 124)  // 110 + "TRAILER!!!\0" (11) padded to 124
  }

  @Test func readsAFolderWithPermissionsAndPacksItReproducibly() throws {
    let root = try temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: root) }
    let manager = FileManager.default
    try manager.createDirectory(atPath: root + "/data/deep", withIntermediateDirectories: true)
    try Data("one\n".utf8).write(to: URL(fileURLWithPath: root + "/data/a.txt"))
    try Data([0, 255, 7]).write(to: URL(fileURLWithPath: root + "/data/deep/bin"))
    try manager.setAttributes([.posixPermissions: 0o700], ofItemAtPath: root + "/data/deep/bin")
    try manager.createSymbolicLink(atPath: root + "/data/link", withDestinationPath: "a.txt")

    let entries = try CpioWriter.entries(inFolder: root)
    let byPath = Dictionary(uniqueKeysWithValues: entries.map { ($0.path, $0) })
    #expect(Set(byPath.keys) == ["data", "data/deep", "data/a.txt", "data/deep/bin", "data/link"])
    #expect(byPath["data/deep/bin"]?.permissions == 0o700)
    #expect(byPath["data/deep/bin"]?.sourceFile == root + "/data/deep/bin")
    #expect(byPath["data/deep/bin"]?.size == 3)
    let packed = try readNewc(CpioWriter().archive(entries))
    #expect(packed.first { $0.name == "data/deep/bin" }?.data == [0, 255, 7])
    #expect(byPath["data/link"]?.kind == .symlink)
    #expect(byPath["data"]?.kind == .directory)

    let first = try CpioWriter().archive(entries)
    let second = try CpioWriter().archive(try CpioWriter.entries(inFolder: root))
    #expect(first == second)
  }

  static let cpio = "/usr/bin/cpio"

  @Test(
    .enabled(
      if: FileManager.default.isExecutableFile(atPath: cpio),
      "needs /usr/bin/cpio (Debian package cpio; scripts/install-deps.sh installs it)"))
  func systemCpioExtractsWhatItWrote() throws {
    let cpio = Self.cpio
    let out = try temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: out) }
    let archive = out + "/../" + UUID().uuidString + ".cpio"
    defer { try? FileManager.default.removeItem(atPath: archive) }
    let big = CpioEntry(path: "etc/big", kind: .file, permissions: 0o644, data: Self.large)
    try Data(try CpioWriter().archive(sample + [big])).write(to: URL(fileURLWithPath: archive))

    let process = Process()
    process.executableURL = URL(fileURLWithPath: cpio)
    process.arguments = ["-i", "-d", "--quiet", "-F", archive]
    process.currentDirectoryURL = URL(fileURLWithPath: out)
    try process.run()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    #expect(FileManager.default.contents(atPath: out + "/etc/motd") == Data("hello\n".utf8))
    #expect(FileManager.default.contents(atPath: out + "/bin/tool") == Data([1, 2, 3]))
    // Its name padded to start its data on a page, the large file reads back whole.
    #expect(FileManager.default.contents(atPath: out + "/etc/big") == Data(Self.large))
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: out + "/etc/link") == "motd")
  }

  @Test func rootfsIsAFolderToPackOrANewcArchiveToKeep() throws {
    let root = try temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: root) }
    let policy = RootfsPolicy(projectDirectory: root, allowOutsideProject: false)
    try FileManager.default.createDirectory(atPath: root + "/tree/etc", withIntermediateDirectories: true)
    try Data("hi\n".utf8).write(to: URL(fileURLWithPath: root + "/tree/etc/motd"))
    try CpioWriter().writeInitrd(forRootfs: root + "/tree", policy: policy, to: root + "/packed")
    let packed = try #require(FileManager.default.contents(atPath: root + "/packed"))
    #expect(try readNewc([UInt8](packed)).map(\.name) == ["etc", "etc/motd"])

    let given = try CpioWriter().archive(sample)
    try Data(given).write(to: URL(fileURLWithPath: root + "/given.cpio"))
    try CpioWriter().writeInitrd(forRootfs: root + "/given.cpio", policy: policy, to: root + "/copy")
    #expect(FileManager.default.contents(atPath: root + "/copy").map([UInt8].init) == given)

    try Data("not an archive".utf8).write(to: URL(fileURLWithPath: root + "/bad.tar"))
    #expect(throws: RootfsError.self) {
      try CpioWriter().writeInitrd(forRootfs: root + "/bad.tar", policy: policy, to: root + "/bad")
    }
    #expect(!FileManager.default.fileExists(atPath: root + "/bad"))
  }

  @Test func rejectsAMissingFolderSayingWhatToGive() {
    #expect {
      try CpioWriter.entries(inFolder: "/nonexistent/kraft-rootfs")
    } throws: { error in
      guard let error = error as? RootfsError else { return false }
      return error.message.contains("'/nonexistent/kraft-rootfs' is not a folder")
        && error.kind == .invalidInput
    }
  }
}
