import Foundation
import Testing

@testable import KraftBuild

/// Which files a rootfs may bring into an image, how private they stay, and that packing
/// streams instead of loading files whole.
@Suite struct RootfsPolicyTests {
  static func scratch() throws -> String {
    let path = NSTemporaryDirectory() + "kraft-rootfs-policy-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path + "/p/rootfs", withIntermediateDirectories: true)
    try FileManager.default.createDirectory(atPath: path + "/host", withIntermediateDirectories: true)
    try "public\n".write(toFile: path + "/p/rootfs/motd", atomically: true, encoding: .utf8)
    try "root:secret\n".write(toFile: path + "/host/shadow", atomically: true, encoding: .utf8)
    return path
  }

  static let someone = InvokingUser(uid: 54321, gid: 54321)

  func rootfsError(_ body: () throws -> Void) -> String? {
    do {
      try body()
      return nil
    } catch let error as RootfsError {
      return error.message
    } catch {
      return "unexpected \(error)"
    }
  }

  @Test func aRootfsOutsideTheProjectNeedsTheOptIn() throws {
    let base = try Self.scratch()
    defer { try? FileManager.default.removeItem(atPath: base) }
    let policy = RootfsPolicy(projectDirectory: base + "/p", allowOutsideProject: false)
    let message = rootfsError {
      try CpioWriter().writeInitrd(forRootfs: base + "/host", policy: policy, to: base + "/p/out")
    }
    #expect(message?.contains("rootfs '\(base)/host'") == true)
    #expect(message?.contains("'--rootfs-outside-project'") == true)
    #expect(!FileManager.default.fileExists(atPath: base + "/p/out"))
    // A link inside the project to the host folder is the same folder.
    try FileManager.default.createSymbolicLink(atPath: base + "/p/etc", withDestinationPath: "../host")
    #expect(
      rootfsError {
        try CpioWriter().writeInitrd(forRootfs: base + "/p/etc", policy: policy, to: base + "/p/out")
      }?.contains("which resolves to") == true)
    // With the opt-in it is packed.
    var allowed = policy
    allowed.allowOutsideProject = true
    try CpioWriter().writeInitrd(forRootfs: base + "/host", policy: allowed, to: base + "/p/out")
    #expect(FileManager.default.fileExists(atPath: base + "/p/out"))
  }

  @Test func filesTheInvokingUserCouldNotReadAreRefusedByName() throws {
    let base = try Self.scratch()
    defer { try? FileManager.default.removeItem(atPath: base) }
    let secret = base + "/p/rootfs/shadow"
    try "root:secret\n".write(toFile: secret, atomically: true, encoding: .utf8)
    chown(secret, 0, 0)
    chmod(secret, 0o640)
    let policy = RootfsPolicy(
      projectDirectory: base + "/p", allowOutsideProject: false, user: Self.someone)
    let message = rootfsError {
      try CpioWriter().writeInitrd(forRootfs: base + "/p/rootfs", policy: policy, to: base + "/out")
    }
    #expect(message?.contains("'\(secret)'") == true)
    #expect(message?.contains("not readable by the user running kraft (uid 54321)") == true)
    #expect(!FileManager.default.fileExists(atPath: base + "/out"))
    // The same file owned by that user (or readable by their group) is theirs to pack.
    chown(secret, 54321, 0)
    try CpioWriter().writeInitrd(forRootfs: base + "/p/rootfs", policy: policy, to: base + "/out")
    chown(secret, 0, 777)
    let member = InvokingUser(uid: 54321, gid: 54321, groups: [777])
    var asMember = policy
    asMember.user = member
    try CpioWriter().writeInitrd(forRootfs: base + "/p/rootfs", policy: asMember, to: base + "/out")
  }

  @Test func aFolderTheUserCannotListIsRefused() throws {
    let base = try Self.scratch()
    defer { try? FileManager.default.removeItem(atPath: base) }
    let closed = base + "/p/rootfs/private"
    try FileManager.default.createDirectory(atPath: closed, withIntermediateDirectories: true)
    chmod(closed, 0o700)
    let policy = RootfsPolicy(
      projectDirectory: base + "/p", allowOutsideProject: false, user: Self.someone)
    #expect(
      rootfsError {
        try CpioWriter().writeInitrd(forRootfs: base + "/p/rootfs", policy: policy, to: base + "/out")
      }?.contains("folder '\(closed)'") == true)
  }

  @Test func sudoNamesTheInvokingUser() {
    let user = InvokingUser.current(environment: ["SUDO_UID": "54321", "SUDO_GID": "777"])
    #expect(user.uid == 54321 && user.gid == 777 && user.groups.contains(777))
    #expect(InvokingUser.current(environment: [:]).uid == getuid())
  }

  @Test func anInitrdHoldingPrivateFilesIsPrivate() throws {
    let base = try Self.scratch()
    defer { try? FileManager.default.removeItem(atPath: base) }
    let policy = RootfsPolicy(projectDirectory: base + "/p", allowOutsideProject: false)
    try CpioWriter().writeInitrd(forRootfs: base + "/p/rootfs", policy: policy, to: base + "/public")
    #expect(Self.mode(base + "/public") == 0o644)
    try "key\n".write(toFile: base + "/p/rootfs/key", atomically: true, encoding: .utf8)
    chmod(base + "/p/rootfs/key", 0o600)
    // A plain build keeps the key's 0600 inside the archive, and the file is private too.
    try CpioWriter().writeInitrd(forRootfs: base + "/p/rootfs", policy: policy, to: base + "/plain")
    #expect(Self.mode(base + "/plain") == 0o600)
    let bytes = try #require(FileManager.default.contents(atPath: base + "/plain"))
    #expect(String(decoding: bytes, as: UTF8.self).contains("00008180"))  // S_IFREG | 0600
    // A release build records git's modes (umask-independent) but the file stays private.
    try ReproducibleInitrd.writeInitrd(
      forRootfs: base + "/p/rootfs", policy: policy, to: base + "/release", sourceDateEpoch: 0)
    #expect(Self.mode(base + "/release") == 0o600)
    // A folder others cannot list makes it private as well.
    chmod(base + "/p/rootfs/key", 0o644)
    chmod(base + "/p/rootfs", 0o700)
    try CpioWriter().writeInitrd(forRootfs: base + "/p/rootfs", policy: policy, to: base + "/closed")
    #expect(Self.mode(base + "/closed") == 0o644)  // the root folder is not an entry
    try FileManager.default.createDirectory(atPath: base + "/p/rootfs/d", withIntermediateDirectories: true)
    chmod(base + "/p/rootfs/d", 0o700)
    try CpioWriter().writeInitrd(forRootfs: base + "/p/rootfs", policy: policy, to: base + "/closed")
    #expect(Self.mode(base + "/closed") == 0o600)
  }

  static func mode(_ path: String) -> mode_t {
    var info = stat()
    return stat(path, &info) == 0 ? info.st_mode & 0o7777 : 0
  }

  /// A FIFO or a device in the rootfs (or as the rootfs) is refused before anything is read.
  @Test func aFIFOIsRefusedWithoutBlocking() throws {
    let base = try Self.scratch()
    defer { try? FileManager.default.removeItem(atPath: base) }
    mkfifo(base + "/p/rootfs/pipe", 0o644)
    let policy = RootfsPolicy(projectDirectory: base + "/p", allowOutsideProject: false)
    #expect(
      rootfsError {
        try CpioWriter().writeInitrd(forRootfs: base + "/p/rootfs", policy: policy, to: base + "/out")
      }?.contains("neither a file, a folder nor a symbolic link") == true)
    #expect(
      rootfsError {
        try CpioWriter().writeInitrd(
          forRootfs: base + "/p/rootfs/pipe", policy: policy, to: base + "/out")
      }?.contains("neither a folder nor a regular file") == true)
  }
}

/// Packing streams: a rootfs file far larger than the memory kraft may use goes through in
/// bounded pieces (issue: 3 x 200 MB files peaked at 1.47 GB).
@Suite struct RootfsStreamingTests {
  /// Counts bytes and remembers the largest single write, discarding the data.
  struct CountingSink: CpioSink {
    var total = 0
    var largestWrite = 0
    mutating func write(_ bytes: UnsafeRawBufferPointer) throws {
      total += bytes.count
      largestWrite = max(largestWrite, bytes.count)
    }
  }

  static func peakResidentBytes() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return usage.ru_maxrss * 1024  // kilobytes on Linux
  }

  @Test func aLargeSparseFileIsPackedInBoundedMemory() throws {
    let root = NSTemporaryDirectory() + "kraft-rootfs-large-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: root + "/data", withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: root) }
    let size = 512 << 20
    let big = root + "/data/big.img"
    #expect(FileManager.default.createFile(atPath: big, contents: nil))
    #expect(truncate(big, off_t(size)) == 0)  // sparse: no disk space, reads as zeros

    let before = Self.peakResidentBytes()
    let entries = try CpioWriter.entries(inFolder: root)
    var sink = CountingSink()
    try CpioWriter().write(entries, to: &sink)
    let growth = Self.peakResidentBytes() - before

    #expect(sink.total > size)
    #expect(sink.largestWrite <= 2 << 20)
    // Reading the file whole would add at least its 512 MiB; streaming adds a few buffers.
    #expect(growth < 128 << 20, "peak memory grew by \(growth >> 20) MiB")
  }
}
