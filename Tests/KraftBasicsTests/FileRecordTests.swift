import Foundation
import KraftBasics
import Testing

@Suite struct FileRecordTests {
  @Test func aRecordGivesItsChangeTime() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "kraft-file-record-\(UUID().uuidString)"
    ).path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let file = folder + "/a"
    try Data("x".utf8).write(to: URL(fileURLWithPath: file))
    try FileManager.default.createSymbolicLink(atPath: folder + "/link", withDestinationPath: file)

    var info = stat()
    #expect(lstat(file, &info) == 0)
    let record = try #require(FileRecord.of(file))
    #expect(FileRecord.changeTime(record: record) == info.st_ctim.tv_sec)
    // Through a link: the later of the link's and the target's.
    var own = stat()
    #expect(lstat(folder + "/link", &own) == 0)
    let followed = try #require(FileRecord.following(folder + "/link"))
    #expect(followed.contains(" -> "))
    #expect(FileRecord.changeTime(record: followed) == max(own.st_ctim.tv_sec, info.st_ctim.tv_sec))
  }

  @Test func aLineThatIsNoRecordGivesNone() {
    #expect(FileRecord.changeTime(record: "") == nil)
    #expect(FileRecord.changeTime(record: "100644 1 2:3 4.5 six") == nil)
    #expect(FileRecord.changeTime(record: "100644 1 2:3 4.5 6.7 -> nonsense") == nil)
    #expect(FileRecord.changeTime(record: "100644 1 2:3 4.5 6.7 -> 100644 1 2:3 4.5 9.1") == 9)
  }
}
