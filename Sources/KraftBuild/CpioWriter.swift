import Foundation
import KraftModel

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
  public var data: [UInt8]

  public init(path: String, kind: Kind, permissions: UInt32, data: [UInt8] = []) {
    self.path = path
    self.kind = kind
    self.permissions = permissions & 0o7777
    self.data = data
  }
}

/// The Kraftfile's `rootfs:` could not be packed.
public struct RootfsError: KraftError {
  public var kind: ErrorKind { .invalidInput }
  public var message: String
}

/// Writes cpio archives in the "newc" format (`070701`), the one Linux and kraft's kernel
/// (`Kernel/lib/initrd`) read. The output depends only on the entries' paths, kinds, permissions
/// and contents: entries are sorted by path (byte order, so a folder precedes what it holds),
/// inode numbers count up from 1 in that order, owners are 0, and every mtime is the same
/// (`SOURCE_DATE_EPOCH` when set, else 0). Two builds of the same folder give the same bytes.
public struct CpioWriter: Sendable {
  /// Seconds since the epoch stamped on every entry.
  public var mtime: UInt32

  public init(mtime: UInt32 = 0) {
    self.mtime = mtime
  }

  /// Uses `SOURCE_DATE_EPOCH` (reproducible-builds.org) when it holds a valid number of seconds.
  public init(environment: [String: String]) {
    self.mtime = environment["SOURCE_DATE_EPOCH"].flatMap { UInt32($0) } ?? 0
  }

  public func archive(_ entries: [CpioEntry]) -> [UInt8] {
    var out: [UInt8] = []
    let sorted = entries.sorted { Array($0.path.utf8).lexicographicallyPrecedes(Array($1.path.utf8)) }
    for (index, entry) in sorted.enumerated() {
      append(
        name: entry.path, inode: UInt32(index + 1), mode: Self.typeBits(entry.kind) | entry.permissions,
        links: entry.kind == .directory ? 2 : 1, time: mtime, data: entry.data, to: &out)
    }
    append(name: "TRAILER!!!", inode: 0, mode: 0, links: 1, time: 0, data: [], to: &out)
    return out
  }

  static func typeBits(_ kind: CpioEntry.Kind) -> UInt32 {
    switch kind {
    case .directory: return 0o040000
    case .file: return 0o100000
    case .symlink: return 0o120000
    }
  }

  private func append(
    name: String, inode: UInt32, mode: UInt32, links: UInt32, time: UInt32, data: [UInt8],
    to out: inout [UInt8]
  ) {
    let nameBytes = Array(name.utf8) + [0]
    let fields: [UInt32] = [
      inode, mode, 0, 0, links, time, UInt32(data.count), 0, 0, 0, 0,
      UInt32(nameBytes.count), 0,
    ]
    out += Array("070701".utf8)
    for field in fields { out += Array(Self.hex8(field).utf8) }
    out += nameBytes
    Self.pad(&out)
    out += data
    Self.pad(&out)
  }

  private static func hex8(_ value: UInt32) -> String {
    let digits = String(value, radix: 16, uppercase: false)
    return String(repeating: "0", count: 8 - digits.count) + digits
  }

  /// newc aligns the name (after the 110-byte header) and the data to 4 bytes.
  private static func pad(_ out: inout [UInt8]) {
    while out.count % 4 != 0 { out.append(0) }
  }

  /// The initrd for a Kraftfile's `rootfs:` (already resolved to an absolute path): a folder is
  /// packed; a file that already is a newc archive is used as it is.
  public func initrd(forRootfs path: String) throws -> [UInt8] {
    var isFolder: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue {
      guard let data = FileManager.default.contents(atPath: path), data.starts(with: Array("070701".utf8))
      else {
        throw RootfsError(
          message: "rootfs '\(path)' is neither a folder nor a cpio archive in the newc format; "
            + "make one with 'cpio -o -H newc' or give the folder")
      }
      return [UInt8](data)
    }
    return archive(try Self.entries(inFolder: path))
  }

  /// The entries of a folder on disk, recursively (the folder itself is the archive's root and
  /// is not an entry). Permissions are kept; owners and times are not (see the type's comment).
  public static func entries(inFolder folder: String) throws -> [CpioEntry] {
    let manager = FileManager.default
    var isFolder: ObjCBool = false
    guard manager.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
      throw RootfsError(
        message: "rootfs '\(folder)' is not a folder; give a folder or a cpio archive ('.cpio')")
    }
    guard let relativePaths = manager.subpaths(atPath: folder) else {
      throw RootfsError(message: "cannot list rootfs folder '\(folder)'; check its permissions")
    }
    return try relativePaths.map { relative in
      let path = folder + "/" + relative
      let attributes = try manager.attributesOfItem(atPath: path)
      let permissions = UInt32((attributes[.posixPermissions] as? NSNumber)?.uint32Value ?? 0o644)
      switch attributes[.type] as? FileAttributeType {
      case .typeDirectory?:
        return CpioEntry(path: relative, kind: .directory, permissions: permissions)
      case .typeSymbolicLink?:
        let target = try manager.destinationOfSymbolicLink(atPath: path)
        return CpioEntry(
          path: relative, kind: .symlink, permissions: 0o777, data: Array(target.utf8))
      case .typeRegular?:
        guard let data = manager.contents(atPath: path) else {
          throw RootfsError(message: "cannot read '\(path)' from the rootfs; check its permissions")
        }
        return CpioEntry(path: relative, kind: .file, permissions: permissions, data: [UInt8](data))
      default:
        throw RootfsError(
          message:
            "rootfs entry '\(path)' is neither a file, a folder nor a symbolic link; remove it from the rootfs"
        )
      }
    }
  }
}
