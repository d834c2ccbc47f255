import Foundation
import KraftBuild
import Testing

/// Release initrds: the same rootfs checked out under different umasks, in different folders
/// and at different times packs to the same bytes.
@Suite struct ReleaseInitrdTests {
  /// Writes the same tree with the permissions a given umask would have left.
  static func rootfs(umask: UInt16) throws -> String {
    let root = FileManager.default.temporaryDirectory
      .appendingPathComponent("kraft-rootfs-\(UUID().uuidString)").path
    let manager = FileManager.default
    try manager.createDirectory(atPath: root + "/etc", withIntermediateDirectories: true)
    try manager.createDirectory(atPath: root + "/bin", withIntermediateDirectories: true)
    try "hello\n".write(toFile: root + "/etc/motd", atomically: true, encoding: .utf8)
    try "#!/bin/sh\n".write(toFile: root + "/bin/tool", atomically: true, encoding: .utf8)
    try manager.createSymbolicLink(atPath: root + "/etc/link", withDestinationPath: "motd")
    let mask = Int16(bitPattern: umask)
    for (path, mode) in [
      ("", 0o777), ("/etc", 0o777), ("/bin", 0o777), ("/etc/motd", 0o666), ("/bin/tool", 0o777),
    ] {
      try manager.setAttributes([.posixPermissions: Int(Int16(mode) & ~mask)], ofItemAtPath: root + path)
    }
    // A different modification time on every file, as two checkouts would have.
    try manager.setAttributes(
      [.modificationDate: Date(timeIntervalSince1970: TimeInterval(1_000_000 + Int(umask)))],
      ofItemAtPath: root + "/etc/motd")
    return root
  }

  @Test func theUmaskAndTheFolderDoNotReachTheBytes() throws {
    let a = try Self.rootfs(umask: 0o022)
    let b = try Self.rootfs(umask: 0o077)
    defer {
      try? FileManager.default.removeItem(atPath: a)
      try? FileManager.default.removeItem(atPath: b)
    }
    let packedA = try ReproducibleInitrd.archive(folder: a, sourceDateEpoch: 1_700_000_000)
    let packedB = try ReproducibleInitrd.archive(folder: b, sourceDateEpoch: 1_700_000_000)
    #expect(packedA == packedB)
    // Without the normalisation the two differ: the umask is in the modes.
    let rawA = try CpioWriter(mtime: 0).archive(try CpioWriter.entries(inFolder: a))
    let rawB = try CpioWriter(mtime: 0).archive(try CpioWriter.entries(inFolder: b))
    #expect(rawA != rawB)
    // The source date is the mtime of every entry; another date gives other bytes.
    #expect(try ReproducibleInitrd.archive(folder: a, sourceDateEpoch: 0) != packedA)
  }

  @Test func permissionsAreReducedToWhatGitRecords() {
    let normalized = ReproducibleInitrd.normalized([
      CpioEntry(path: "d", kind: .directory, permissions: 0o700),
      CpioEntry(path: "d/x", kind: .file, permissions: 0o700),
      CpioEntry(path: "d/r", kind: .file, permissions: 0o600),
      CpioEntry(path: "d/l", kind: .symlink, permissions: 0o777, data: Array("r".utf8)),
    ])
    #expect(normalized.map(\.permissions) == [0o755, 0o755, 0o644, 0o777])
  }
}
