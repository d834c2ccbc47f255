import Foundation
import Testing

/// Some CI machines run everything under umask 000. kraft, often root on shared machines, must
/// still create nothing another user could write: not the project it writes, not its caches.
@Suite struct UmaskTests {
  @Test func kraftUnderUmask000CreatesNothingOthersMayWrite() throws {
    let scratch = FileManager.default.temporaryDirectory
      .appendingPathComponent("kraft-umask-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: false)
    defer { try? FileManager.default.removeItem(at: scratch) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", "umask 000; exec \"$0\" \"$@\"", KraftProcess.binary.path, "init", "p"]
    process.currentDirectoryURL = scratch
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    try #require(process.terminationStatus == 0)

    let project = scratch.appendingPathComponent("p").path
    var written = [project]
    for entry in try FileManager.default.subpathsOfDirectory(atPath: project) {
      written.append(project + "/" + entry)
    }
    #expect(written.count > 2, "\(written)")
    for path in written {
      var info = stat()
      try #require(lstat(path, &info) == 0)
      #expect(info.st_mode & (S_IWGRP | S_IWOTH) == 0, "\(path) is writable by others")
    }
  }
}
