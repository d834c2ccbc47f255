import Foundation

/// What release mode does to a root file system before `CpioWriter` packs it: permissions are
/// reduced to what git records, so the initrd does not depend on the umask of whoever checked
/// out or copied the project. A folder becomes 0755; a file 0755 when any execute bit is set,
/// else 0644; a link stays 0777. (A checkout under umask 077 makes every file 0600, so a
/// private mode cannot be told from a umask here; the initrd *file* stays private (0600)
/// whenever a packed file was, see `CpioWriter.writeInitrd`.) Order, owners and times are
/// already fixed by `CpioWriter` (sorted paths, owner 0, every mtime `SOURCE_DATE_EPOCH`).
public enum ReproducibleInitrd {
  public static func normalized(_ entries: [CpioEntry]) -> [CpioEntry] {
    entries.map { entry in
      var copy = entry
      switch entry.kind {
      case .directory: copy.permissions = 0o755
      case .file: copy.permissions = entry.permissions & 0o111 != 0 ? 0o755 : 0o644
      case .symlink: copy.permissions = 0o777
      }
      return copy
    }
  }

  /// A whole rootfs folder, packed for a release build, in memory (small folders, tests).
  public static func archive(folder: String, sourceDateEpoch: Int) throws -> [UInt8] {
    try CpioWriter(mtime: UInt32(clamping: sourceDateEpoch))
      .archive(normalized(try CpioWriter.entries(inFolder: folder)))
  }

  /// A Kraftfile's `rootfs:` for a release build, written to `output`: a folder is packed as
  /// above; a cpio archive is used as it is (its bytes are a project file, so the manifest
  /// pins them).
  @discardableResult
  public static func writeInitrd(
    forRootfs path: String?, layers: [String] = [], policy: RootfsPolicy, to output: String,
    sourceDateEpoch: Int
  ) throws -> Bool {
    try CpioWriter(mtime: UInt32(clamping: sourceDateEpoch)).writeInitrd(
      forRootfs: path, layers: layers, policy: policy, to: output, adjust: normalized)
  }
}
