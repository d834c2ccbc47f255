import Foundation
import Testing

@testable import KraftBuild

/// The layer reader `kraft run REF` takes the kernel out of layers with: archives made by GNU
/// tar in the formats kraftkit's and other writers use (ustar, GNU long names, pax).
@Suite struct TarFileReaderTests {
  static func archive(format: String, path: String, contents: String) throws -> Data {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tar-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("tree/" + path)
    try FileManager.default.createDirectory(
      at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
    try contents.write(to: file, atomically: true, encoding: .utf8)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/tar")
    process.arguments = [
      "--format=\(format)", "-cf", folder.appendingPathComponent("out.tar").path, "-C",
      folder.appendingPathComponent("tree").path, ".",
    ]
    try process.run()
    process.waitUntilExit()
    return try Data(contentsOf: folder.appendingPathComponent("out.tar"))
  }

  @Test(arguments: ["ustar", "gnu", "pax"])
  func theKernelIsFoundByItsWellKnownPath(format: String) throws {
    let data = try Self.archive(format: format, path: "unikraft/bin/kernel", contents: "ELF kernel")
    #expect(try TarFileReader.files(in: data)["unikraft/bin/kernel"] == Data("ELF kernel".utf8))
  }

  @Test(arguments: ["gnu", "pax"])
  func longNamesAreRead(format: String) throws {
    let long = String(repeating: "deep-folder-name/", count: 12) + "file"
    let data = try Self.archive(format: format, path: long, contents: "x")
    #expect(try TarFileReader.files(in: data)[long] == Data("x".utf8))
  }

  @Test func aTruncatedArchiveIsAnError() throws {
    let data = try Self.archive(format: "ustar", path: "a", contents: String(repeating: "y", count: 2000))
    #expect(throws: TarFileReader.Malformed.self) { try TarFileReader.files(in: data.prefix(1024)) }
  }
}
