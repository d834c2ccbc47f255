import Foundation
import KraftBasics
import KraftModel

#if canImport(Glibc)
  import Glibc
#endif

/// One file, folder or symbolic link of a root file system, as it goes into an initrd.
public struct CpioEntry: Hashable, Sendable {
  public enum Kind: Hashable, Sendable {
    case directory
    case file
    /// `data` holds the link's target.
    case symlink
  }

  /// Relative, `/`-separated, without a leading `./` or `/` (e.g. `etc/motd`).
  public var path: String
  public var kind: Kind
  /// Permission bits only (`0o644`); the type bits come from `kind`.
  public var permissions: UInt32
  /// The content when it is held in memory (a link's target, a test's file). Setting it keeps
  /// `size` in step, so an edited entry never writes a stale length.
  public var data: [UInt8] {
    didSet { if sourceFile == nil { size = data.count } }
  }
  /// A file on disk whose bytes are the content: read in small pieces while the archive is
  /// written, so that a rootfs never sits in memory whole.
  public var sourceFile: String?
  /// The content's length: `data.count`, or the size `sourceFile` had when it was listed.
  public var size: Int

  public init(path: String, kind: Kind, permissions: UInt32, data: [UInt8] = []) {
    self.path = path
    self.kind = kind
    self.permissions = permissions & 0o7777
    self.data = data
    self.sourceFile = nil
    self.size = data.count
  }

  /// A file whose content is read from `sourceFile` (`size` bytes) when the archive is written.
  public init(path: String, permissions: UInt32, sourceFile: String, size: Int) {
    self.init(path: path, kind: .file, permissions: permissions)
    self.sourceFile = sourceFile
    self.size = size
  }
}

/// The Kraftfile's `rootfs:` could not be packed.
public struct RootfsError: KraftError {
  public var kind: ErrorKind { .invalidInput }
  public var message: String

  public init(message: String) {
    self.message = message
  }
}

/// Writes cpio archives in the "newc" format (`070701`), the one Linux and kraft's kernel
/// (`Kernel/lib/initrd`) read. The output depends only on the entries' paths, kinds, permissions
/// and contents: entries are sorted by path (byte order, so a folder precedes what it holds),
/// inode numbers count up from 1 in that order, owners are 0, and every mtime is the same
/// (`SOURCE_DATE_EPOCH` when set, else 0). Two builds of the same folder give the same bytes.
/// Files are streamed from disk into a `CpioSink`: memory stays bounded whatever their size.
///
/// A file of `pageAlignedFileSize` bytes or more starts on a page of the archive, and the entry
/// after it starts its data on a later page: the kernel reads initrd files where they lie, and
/// maps such a file's bytes in place (`mmap` without a copy, docs/kernel.md), which needs them on
/// a page and the rest of their last page free to be zeroed. The padding goes after the entry's
/// name, as NULs counted in its name size (newc has no other place for it; Linux, GNU cpio and
/// libarchive read the name up to its first NUL), and costs at most two pages per such file.
public struct CpioWriter: Sendable {
  /// Files this large or larger start on a page (above).
  public static let pageAlignedFileSize = 64 * 1024
  static let pageSize = 4096

  /// Seconds since the epoch stamped on every entry.
  public var mtime: UInt32

  public init(mtime: UInt32 = 0) {
    self.mtime = mtime
  }

  /// Uses `SOURCE_DATE_EPOCH` (reproducible-builds.org) when it holds a valid number of seconds.
  public init(environment: [String: String]) {
    self.mtime = environment["SOURCE_DATE_EPOCH"].flatMap { UInt32($0) } ?? 0
  }

  /// The archive in memory: for small entry lists (tests, in-memory entries).
  public func archive(_ entries: [CpioEntry]) throws -> [UInt8] {
    var sink = ByteSink()
    try write(entries, to: &sink)
    return sink.bytes
  }

  /// Writes the archive of `entries` to `sink`, reading each file's content as it goes.
  public func write(_ entries: [CpioEntry], to sink: inout some CpioSink) throws {
    let sorted = entries.sorted { Array($0.path.utf8).lexicographicallyPrecedes(Array($1.path.utf8)) }
    var offset = 0
    // Where the next entry's data may start at the earliest: past a page-aligned file's last page.
    var dataFrom = 0
    for (index, entry) in sorted.enumerated() {
      let onPage = entry.kind == .file && entry.size >= Self.pageAlignedFileSize
      let dataStart = try appendHeader(
        name: entry.path, inode: UInt32(index + 1), mode: Self.typeBits(entry.kind) | entry.permissions,
        links: entry.kind == .directory ? 2 : 1, time: mtime, size: entry.size, at: offset,
        dataFrom: dataFrom, onPage: onPage, to: &sink)
      if let source = entry.sourceFile {
        try FileStream.copy(source, expectedSize: entry.size, to: &sink)
      } else {
        try entry.data.withUnsafeBytes { try sink.write($0) }
      }
      try Self.pad(entry.size, &sink)
      offset = Self.roundUp(dataStart + entry.size, 4)
      dataFrom = onPage ? Self.roundUp(dataStart + entry.size, Self.pageSize) : 0
    }
    try appendHeader(
      name: "TRAILER!!!", inode: 0, mode: 0, links: 1, time: 0, size: 0, at: offset, dataFrom: 0,
      onPage: false,
      to: &sink)
  }

  private static func roundUp(_ value: Int, _ unit: Int) -> Int {
    (value + unit - 1) / unit * unit
  }

  static func typeBits(_ kind: CpioEntry.Kind) -> UInt32 {
    switch kind {
    case .directory: return 0o040000
    case .file: return 0o100000
    case .symlink: return 0o120000
    }
  }

  /// Writes the header at archive offset `offset` and returns where the entry's data starts:
  /// right after the name (aligned to 4, as newc requires), or later when the data must start
  /// on a page (`onPage`) or no earlier than `dataFrom`, the name then padded with NULs.
  @discardableResult
  private func appendHeader(
    name: String, inode: UInt32, mode: UInt32, links: UInt32, time: UInt32, size: Int,
    at offset: Int, dataFrom: Int, onPage: Bool, to sink: inout some CpioSink
  ) throws -> Int {
    guard size <= Int(UInt32.max) else {
      throw RootfsError(
        message: "'\(name)' in the rootfs is \(size) bytes; a newc archive holds files up to 4 GiB")
    }
    var nameBytes = Array(name.utf8) + [0]
    let packed = Self.roundUp(offset + 110 + nameBytes.count, 4)
    let dataStart = max(onPage ? Self.roundUp(packed, Self.pageSize) : packed, dataFrom)
    if dataStart > packed {  // the NULs count in the name's size, so the data starts right after
      nameBytes += [UInt8](repeating: 0, count: dataStart - offset - 110 - nameBytes.count)
    }
    let fields: [UInt32] = [
      inode, mode, 0, 0, links, time, UInt32(size), 0, 0, 0, 0, UInt32(nameBytes.count), 0,
    ]
    var header = Array("070701".utf8)
    for field in fields { header += Array(Self.hex8(field).utf8) }
    header += nameBytes
    // newc aligns the name (after the 110-byte header) and the data to 4 bytes.
    while header.count % 4 != 0 { header.append(0) }
    try header.withUnsafeBytes { try sink.write($0) }
    return dataStart
  }

  private static func hex8(_ value: UInt32) -> String {
    let digits = String(value, radix: 16, uppercase: false)
    return String(repeating: "0", count: 8 - digits.count) + digits
  }

  private static func pad(_ size: Int, _ sink: inout some CpioSink) throws {
    let padding = (4 - size % 4) % 4
    guard padding > 0 else { return }
    try [UInt8](repeating: 0, count: padding).withUnsafeBytes { try sink.write($0) }
  }

  /// Packs a Kraftfile's `rootfs:` (already resolved to an absolute path) into the initrd
  /// file `output` (written whole or not at all, see `OutputFile`): a folder is packed, its
  /// entries passed through `adjust` first (release builds normalise permissions); a file
  /// that already is a newc archive is copied as it is. `policy` decides what may be read.
  /// The initrd is private (0600) when anything in it is. Returns true when the file changed.
  /// `layers` are folders the image's ports add (CPython's standard library): packed first, the
  /// rootfs's own entries replacing theirs of the same path. `path` nil: the layers alone.
  @discardableResult
  public func writeInitrd(
    forRootfs path: String?, layers: [String] = [], policy: RootfsPolicy, to output: String,
    adjust: ([CpioEntry]) -> [CpioEntry] = { $0 }
  ) throws -> Bool {
    if let path { try policy.checkLocation(path) }
    if let path, let archive = try Self.archiveFile(path, policy: policy) {
      guard layers.isEmpty else {
        throw RootfsError(
          message: "rootfs '\(path)' is a cpio archive, but the image's ports add files to the "
            + "root file system (\(layers.joined(separator: ", "))); give the rootfs as a folder")
      }
      let permissions: mode_t = archive.st_mode & 0o004 != 0 ? 0o644 : 0o600
      return try OutputFile.write(output, permissions: permissions) { sink in
        try FileStream.copy(path, expectedSize: Int(archive.st_size), to: &sink)
      }
    }
    let listed = try Self.merged(
      layers.map { try Self.entries(inFolder: $0, user: policy.user) }
        + [path.map { try Self.entries(inFolder: $0, user: policy.user) } ?? []])
    // Judged on the modes on disk, before `adjust` may normalise them.
    let permissions = RootfsPolicy.initrdPermissions(listed)
    let entries = adjust(listed)
    return try OutputFile.write(output, permissions: permissions) { sink in
      try write(entries, to: &sink)
    }
  }

  /// Entries of several folders as one tree: a later folder's entry replaces an earlier one's of
  /// the same path; parents come before their children, siblings in name order.
  static func merged(_ folders: [[CpioEntry]]) -> [CpioEntry] {
    if folders.count == 1 { return folders[0] }
    var byPath: [String: CpioEntry] = [:]
    for entry in folders.joined() { byPath[entry.path] = entry }
    return byPath.values.sorted {
      $0.path.split(separator: "/").lexicographicallyPrecedes($1.path.split(separator: "/"))
    }
  }

  /// A rootfs that is a file (a newc archive, checked by its magic): its status; nil for a
  /// folder; throws for anything else.
  static func archiveFile(_ path: String, policy: RootfsPolicy) throws -> stat? {
    var info = stat()
    guard stat(path, &info) == 0 else {
      throw RootfsError(
        message: "rootfs '\(path)' does not exist; give a folder or a cpio archive ('.cpio')")
    }
    if info.st_mode & S_IFMT == S_IFDIR { return nil }
    guard info.st_mode & S_IFMT == S_IFREG else {
      throw RootfsError(
        message: "rootfs '\(path)' is neither a folder nor a regular file; give a folder or a "
          + "cpio archive ('.cpio')")
    }
    try policy.user.checkReadable(path, info)
    guard FileStream.startsWith(path, Array("070701".utf8)) else {
      throw RootfsError(
        message: "rootfs '\(path)' is neither a folder nor a cpio archive in the newc format; "
          + "make one with 'cpio -o -H newc' or give the folder")
    }
    return info
  }

  /// The entries of a folder on disk, recursively (the folder itself is the archive's root and
  /// is not an entry), without file contents (`sourceFile`). Permissions are kept; owners and
  /// times are not (see the type's comment). Links are kept as links, never followed. A file
  /// or folder `user` could not read is refused, naming it.
  /// The owner checks read `stat` itself (`InvokingUser` judges its uid, gid and mode).
  public static func entries(
    inFolder folder: String, user: InvokingUser = .current(),
    fileSystem: any FileSystem = LocalFileSystem()
  ) throws -> [CpioEntry] {
    var info = stat()
    guard stat(folder, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
      throw RootfsError(
        message: "rootfs '\(folder)' is not a folder; give a folder or a cpio archive ('.cpio')")
    }
    try user.checkListable(folder, info)
    var entries: [CpioEntry] = []
    try walk(folder, relative: "", user: user, fileSystem: fileSystem, into: &entries)
    return entries
  }

  private static func walk(
    _ root: String, relative: String, user: InvokingUser, fileSystem: any FileSystem,
    into entries: inout [CpioEntry]
  ) throws {
    let folder = relative.isEmpty ? root : root + "/" + relative
    guard let names = try? fileSystem.list(folder) else {
      throw RootfsError(message: "cannot list rootfs folder '\(folder)'; check its permissions")
    }
    for name in names.sorted() {
      let path = relative.isEmpty ? name : relative + "/" + name
      let full = root + "/" + path
      var info = stat()
      guard lstat(full, &info) == 0 else {
        throw RootfsError(message: "cannot read '\(full)' from the rootfs; check its permissions")
      }
      let permissions = UInt32(info.st_mode) & 0o7777
      switch info.st_mode & S_IFMT {
      case S_IFDIR:
        try user.checkListable(full, info)
        entries.append(CpioEntry(path: path, kind: .directory, permissions: permissions))
        try walk(root, relative: path, user: user, fileSystem: fileSystem, into: &entries)
      case S_IFLNK:
        let target = try fileSystem.destinationOfSymbolicLink(full)
        entries.append(
          CpioEntry(path: path, kind: .symlink, permissions: 0o777, data: Array(target.utf8)))
      case S_IFREG:
        try user.checkReadable(full, info)
        entries.append(
          CpioEntry(path: path, permissions: permissions, sourceFile: full, size: Int(info.st_size)))
      default:
        throw RootfsError(
          message:
            "rootfs entry '\(full)' is neither a file, a folder nor a symbolic link; remove it from the rootfs"
        )
      }
    }
  }
}
