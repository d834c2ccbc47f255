import Foundation
import KraftBasics
import KraftBuild
import KraftFetch
import KraftManifest
import KraftModel
import Testing

@testable import KraftCommands

/// Edits of the Kraftfile by the port commands: atomic, through a symbolic link, keeping the
/// file's mode, and undone as a whole when the check after them fails.
@Suite struct KraftfileEditTests {
  static let repository = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
  static let kraftfileText = "spec: v0.6\nname: app\n# keep this comment\ntargets:\n  - qemu/x86_64\n"

  /// A project whose `Ports/` holds copies of the shipped zlib and musl ports (found before
  /// any other catalog) and whose Kraftfile is a link to `real/kraft.yaml`, mode 0600.
  static func linkedProject() throws -> String {
    let base = NSTemporaryDirectory() + "kraft-edit-" + UUID().uuidString
    let manager = FileManager.default
    try manager.createDirectory(atPath: base + "/p/Ports", withIntermediateDirectories: true)
    try manager.createDirectory(atPath: base + "/real", withIntermediateDirectories: true)
    for port in ["zlib", "musl"] {
      try manager.copyItem(atPath: repository + "/Ports/" + port, toPath: base + "/p/Ports/" + port)
    }
    try kraftfileText.write(toFile: base + "/real/kraft.yaml", atomically: true, encoding: .utf8)
    chmod(base + "/real/kraft.yaml", 0o600)
    try manager.createSymbolicLink(
      atPath: base + "/p/Kraftfile", withDestinationPath: "../real/kraft.yaml")
    return base
  }

  static func mode(_ path: String) -> mode_t {
    var info = stat()
    return stat(path, &info) == 0 ? info.st_mode & 0o7777 : 0
  }

  @Test func anEditGoesThroughTheLinkAndKeepsTheMode() throws {
    let base = try Self.linkedProject()
    defer { try? FileManager.default.removeItem(atPath: base) }
    try PortAddCommand.parse(["zlib", "--no-fetch", "--project", base + "/p"]).run()
    #expect(
      try FileManager.default.destinationOfSymbolicLink(atPath: base + "/p/Kraftfile")
        == "../real/kraft.yaml")
    let edited = try String(contentsOfFile: base + "/real/kraft.yaml", encoding: .utf8)
    #expect(edited.contains("zlib") && edited.contains("# keep this comment"))
    #expect(Self.mode(base + "/real/kraft.yaml") == 0o600)
    // No temporary file is left beside it.
    #expect(try FileManager.default.contentsOfDirectory(atPath: base + "/real") == ["kraft.yaml"])
  }

  @Test func aFailedCheckPutsTheKraftfileAndItsLockBack() throws {
    let base = try Self.linkedProject()
    defer { try? FileManager.default.removeItem(atPath: base) }
    let loaded = try KraftfileLoader(
      fileSystem: LocalFileSystem(), environment: [:], currentDirectory: base + "/p"
    ).load(kraftfile: base + "/p/Kraftfile")
    struct CheckFailed: Error {}
    #expect(throws: CheckFailed.self) {
      try KraftfileEditSession(loaded).apply(Self.kraftfileText + "libraries: {zlib: {}}\n") {
        try "half a lock".write(
          toFile: base + "/p/" + LockfileCodec.fileName, atomically: true, encoding: .utf8)
        throw CheckFailed()
      }
    }
    #expect(try String(contentsOfFile: base + "/real/kraft.yaml", encoding: .utf8) == Self.kraftfileText)
    #expect(!FileManager.default.fileExists(atPath: base + "/p/" + LockfileCodec.fileName))
    #expect(Self.mode(base + "/real/kraft.yaml") == 0o600)
  }
}

/// A full disk while kraft writes: a clear error with exit status 73, the previous file kept,
/// no partial file left. Uses a 64 KiB tmpfs the test mounts (root only).
@Suite(.enabled(if: SmallDisk.available, "mounting a tmpfs needs root"))
struct FullDiskTests {
  @Test func anInitrdThatDoesNotFitKeepsThePreviousOne() throws {
    try SmallDisk.with { disk in
      let rootfs = NSTemporaryDirectory() + "kraft-full-rootfs-" + UUID().uuidString
      defer { try? FileManager.default.removeItem(atPath: rootfs) }
      try FileManager.default.createDirectory(atPath: rootfs, withIntermediateDirectories: true)
      try "small\n".write(toFile: rootfs + "/motd", atomically: true, encoding: .utf8)
      let policy = RootfsPolicy(projectDirectory: rootfs, allowOutsideProject: false)
      let initrd = disk + "/app.initrd"
      try CpioWriter().writeInitrd(forRootfs: rootfs, policy: policy, to: initrd)
      let before = try Data(contentsOf: URL(fileURLWithPath: initrd))
      // 256 KiB of data cannot fit in 64 KiB.
      try Data(repeating: 7, count: 256 << 10).write(to: URL(fileURLWithPath: rootfs + "/big"))
      #expect {
        try CpioWriter().writeInitrd(forRootfs: rootfs, policy: policy, to: initrd)
      } throws: { error in
        guard let error = error as? OutputError else { return false }
        return error.message.contains("no space left on the device while writing '\(initrd)'")
          && ExitStatus.code(for: error.kind) == 73
      }
      #expect(try Data(contentsOf: URL(fileURLWithPath: initrd)) == before)
      #expect(try FileManager.default.contentsOfDirectory(atPath: disk) == ["app.initrd"])
    }
  }

  @Test func aKraftfileEditThatDoesNotFitLeavesTheKraftfileAlone() throws {
    try SmallDisk.with { disk in
      let original = "spec: v0.6\nname: app\n"
      try original.write(toFile: disk + "/Kraftfile", atomically: true, encoding: .utf8)
      let loaded = try KraftfileLoader(
        fileSystem: LocalFileSystem(), environment: [:], currentDirectory: disk
      ).load(kraftfile: disk + "/Kraftfile")
      let huge = original + "# " + String(repeating: "x", count: 256 << 10) + "\n"
      #expect {
        try KraftfileEditSession(loaded).write(huge)
      } throws: { error in
        guard let error = error as? PortError else { return false }
        return error.message.contains("no space left on the device to write")
          && ExitStatus.code(for: error.kind) == 73
      }
      #expect(try String(contentsOfFile: disk + "/Kraftfile", encoding: .utf8) == original)
      #expect(try FileManager.default.contentsOfDirectory(atPath: disk) == ["Kraftfile"])
    }
  }
}

/// A 64 KiB tmpfs mounted for one test and unmounted after it.
enum SmallDisk {
  static let available: Bool = getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/bin/mount")

  static func with(_ body: (String) throws -> Void) throws {
    let folder = NSTemporaryDirectory() + "kraft-small-disk-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try run("/bin/mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", folder])
    defer { try? run("/bin/umount", [folder]) }
    try body(folder)
  }

  private static func run(_ program: String, _ arguments: [String]) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: program)
    process.arguments = arguments
    try process.run()
    process.waitUntilExit()
    struct Failed: Error { var command: String }
    guard process.terminationStatus == 0 else {
      throw Failed(command: ([program] + arguments).joined(separator: " "))
    }
  }
}

extension FullDiskTests {
  @Test func generatedFilesOnAFullDiskAreAnOutputErrorNotAnInternalOne() throws {
    try SmallDisk.with { disk in
      let big = String(repeating: "x", count: 256 << 10)
      #expect {
        try LocalFileSystem().writeText(big, to: disk + "/qemu-x86_64/include/config.h")
      } throws: { error in
        guard let error = error as? any KraftError else { return false }
        return error.kind == .outputFailed
          && error.message.contains(
            "no space left on the device to write '\(disk)/qemu-x86_64/include/config.h'")
      }
      let left = try FileManager.default.contentsOfDirectory(atPath: disk + "/qemu-x86_64/include")
      #expect(left.isEmpty)
    }
  }
}

@Suite struct GeneratedFileLinkTests {
  /// kraft's own outputs never write through a link planted in their place.
  @Test func writingAGeneratedFileReplacesALinkInsteadOfFollowingIt() throws {
    let base = NSTemporaryDirectory() + "kraft-link-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: base) }
    try "precious\n".write(toFile: base + "/victim", atomically: true, encoding: .utf8)
    try FileManager.default.createSymbolicLink(
      atPath: base + "/config.h", withDestinationPath: base + "/victim")
    try LocalFileSystem().writeText("generated\n", to: base + "/config.h")
    #expect(try String(contentsOfFile: base + "/victim", encoding: .utf8) == "precious\n")
    #expect(try String(contentsOfFile: base + "/config.h", encoding: .utf8) == "generated\n")
  }
}

extension FullDiskTests {
  @Test func aMirrorCopyOnAFullDiskSaysSo() throws {
    let mirror = NSTemporaryDirectory() + "kraft-full-mirror-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: mirror, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: mirror) }
    try Data(repeating: 1, count: 256 << 10).write(to: URL(fileURLWithPath: mirror + "/a.tar.gz"))
    try SmallDisk.with { disk in
      #expect {
        _ = try URLSessionDownloader().download(
          "file://" + mirror + "/a.tar.gz", to: disk + "/archive", progress: nil)
      } throws: { error in
        guard let error = error as? FetchError else { return false }
        return error.kind == .outputFailed && error.message.contains("no space left on the device")
          && ExitStatus.code(for: error.kind) == 73
      }
    }
  }
}
