import Foundation
import KraftBasics
import Testing

/// `createDirectory(_:exactly:)`: the folders kraft's safety checks rely on get the bits asked
/// for whatever the umask, and folders already there are not changed.
@Suite struct ExactFolderPermissionsTests {
  func permissions(_ path: String) -> UInt16? {
    LocalFileSystem().status(path, followingLinks: false)?.permissions
  }

  @Test func newFoldersGetExactlyTheBitsAskedForWhateverTheUmask() throws {
    let root = NSTemporaryDirectory() + "kraft-basics-test-exact-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: root) }
    let fileSystem = LocalFileSystem()
    // 0777 is wider than any umask but 000 lets mkdir make: only the chmod gives it.
    try fileSystem.createDirectory(root + "/a/b", exactly: 0o777)
    #expect(permissions(root) == 0o777)
    #expect(permissions(root + "/a") == 0o777)
    #expect(permissions(root + "/a/b") == 0o777)
    try fileSystem.createDirectory(root + "/private", exactly: 0o700)
    #expect(permissions(root + "/private") == 0o700)
  }

  @Test func foldersAlreadyThereAreLeftAsTheyAre() throws {
    let root = NSTemporaryDirectory() + "kraft-basics-test-exact-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: root) }
    let fileSystem = LocalFileSystem()
    try fileSystem.createDirectory(root, exactly: 0o750)
    try fileSystem.createDirectory(root + "/new", exactly: 0o755)
    #expect(permissions(root) == 0o750)
    #expect(permissions(root + "/new") == 0o755)
  }

  @Test func aFileInTheWayIsAnError() throws {
    let root = NSTemporaryDirectory() + "kraft-basics-test-exact-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: root) }
    let fileSystem = LocalFileSystem()
    try fileSystem.writeText("x", to: root + "/file")
    #expect(throws: AtomicFile.Failure.self) {
      try fileSystem.createDirectory(root + "/file/below", exactly: 0o755)
    }
  }
}
