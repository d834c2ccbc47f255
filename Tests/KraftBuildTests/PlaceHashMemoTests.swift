import Foundation
import KraftBasics
import Testing

@testable import KraftBuild

/// The remembered content hashes of a folder (`PlaceHashMemo`): reused while no file changed,
/// hashed again when one did, and never remembered for files changed just now.
@Suite struct PlaceHashMemoTests {
  @Test func hashesAreReusedUntilAFileChanges() throws {
    let root = try PrebuiltStoreTests.folder()
    defer { try? FileManager.default.removeItem(atPath: root) }
    let place = root + "/include"
    try FileManager.default.createDirectory(atPath: place, withIntermediateDirectories: true)
    try Data("#define A 1".utf8).write(to: URL(fileURLWithPath: place + "/a.h"))
    try Data("#define B 1".utf8).write(to: URL(fileURLWithPath: place + "/b.h"))
    var hashed: [String] = []
    let hash = { (file: String) -> String in
      hashed.append(file)
      return PrebuiltKey.digest(try Data(contentsOf: URL(fileURLWithPath: place + "/" + file)))
    }
    let files = ["a.h", "b.h"]

    // Files changed within the last two seconds are not remembered.
    let justNow = PlaceHashMemo(directory: root + "/places")
    let first = try justNow.hashes(of: place, files: files, hash: hash)
    _ = try justNow.hashes(of: place, files: files, hash: hash)
    #expect(hashed == files + files)

    // Later, they are: the third reading hashes nothing.
    var later = PlaceHashMemo(directory: root + "/places")
    later.memo.now = { Int(Date().timeIntervalSince1970) + 10 }
    hashed = []
    _ = try later.hashes(of: place, files: files, hash: hash)
    let remembered = try later.hashes(of: place, files: files, hash: hash)
    #expect(hashed == files)
    #expect(remembered.map(\.0) == first.map(\.0) && remembered.map(\.1) == first.map(\.1))

    // A changed file (same size: its times and inode tell) is hashed again, with the others.
    try Data("#define B 2".utf8).write(to: URL(fileURLWithPath: place + "/b.h"), options: .atomic)
    hashed = []
    let changed = try later.hashes(of: place, files: files, hash: hash)
    #expect(hashed == files)
    #expect(changed[0].1 == first[0].1 && changed[1].1 != first[1].1)
    // The memo's folder is exactly 0755 whatever the umask.
    #expect(LocalFileSystem().status(root + "/places", followingLinks: false)?.permissions == 0o755)
  }
}
