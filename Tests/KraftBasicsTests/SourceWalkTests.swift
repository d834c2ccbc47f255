import Foundation
import KraftBasics
import Testing

/// Globbing sources walks real trees, which may hold links to folders (a hostile `self -> .`).
@Suite struct SourceWalkTests {
  @Test func aWalkNeverFollowsALinkToAFolder() throws {
    let manager = FileManager.default
    let root = NSTemporaryDirectory() + "kraft-basics-test-walk-\(UUID().uuidString)"
    defer { try? manager.removeItem(atPath: root) }
    let fileSystem = LocalFileSystem()
    try fileSystem.writeText("int a;\n", to: root + "/src/a.c")
    try fileSystem.writeText("int b;\n", to: root + "/elsewhere/b.c")
    try manager.createSymbolicLink(atPath: root + "/src/self", withDestinationPath: ".")
    try manager.createSymbolicLink(atPath: root + "/src/other", withDestinationPath: "../elsewhere")
    try manager.createSymbolicLink(atPath: root + "/src/alias.c", withDestinationPath: "a.c")
    let found = try fileSystem.glob("**/*.c", in: root + "/src")
    #expect(found == ["a.c", "alias.c"])
  }
}
