import Foundation
import KraftBasics
import Testing

/// Globbing sources walks real trees, which may hold links to folders (a hostile `self -> .`).
@Suite struct SourceWalkTests {
  @Test func aWalkNeverFollowsALinkToAFolder() throws {
    let root = try TestScratch.make("walk")
    try TestScratch.write("int a;\n", to: root + "/src/a.c")
    try TestScratch.write("int b;\n", to: root + "/elsewhere/b.c")
    let manager = FileManager.default
    try manager.createSymbolicLink(atPath: root + "/src/self", withDestinationPath: ".")
    try manager.createSymbolicLink(atPath: root + "/src/other", withDestinationPath: "../elsewhere")
    try manager.createSymbolicLink(atPath: root + "/src/alias.c", withDestinationPath: "a.c")
    let found = try LocalFileSystem().glob("**/*.c", in: root + "/src")
    #expect(found == ["a.c", "alias.c"])
  }
}
