import Foundation
import KraftModel

#if canImport(Glibc)
  import Glibc
#endif

/// The user kraft acts for. kraft often runs as root (through `sudo` on build machines), and
/// root can read every file; a rootfs must still hold only what the person who asked for the
/// build could read themselves. That is `SUDO_UID`/`SUDO_GID` (and that user's groups) under
/// sudo, else the process's own user. Readability is decided from the mode bits and owners,
/// as the kernel would for that user, not with `access(2)`, which answers for root.
public struct InvokingUser: Hashable, Sendable {
  public var uid: uid_t
  public var gid: gid_t
  public var groups: Set<gid_t>

  public init(uid: uid_t, gid: gid_t, groups: Set<gid_t> = []) {
    self.uid = uid
    self.gid = gid
    self.groups = groups.union([gid])
  }

  /// The user behind this process: `SUDO_UID`/`SUDO_GID` when set (and valid), else the real ids.
  public static func current(
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) -> InvokingUser {
    if let uid = environment["SUDO_UID"].flatMap({ uid_t($0) }),
      let gid = environment["SUDO_GID"].flatMap({ gid_t($0) })
    {
      return InvokingUser(uid: uid, gid: gid, groups: groups(ofUser: uid, primary: gid))
    }
    let count = getgroups(0, nil)
    var list = [gid_t](repeating: 0, count: Int(max(count, 0)))
    let got = getgroups(count, &list)
    return InvokingUser(uid: getuid(), gid: getgid(), groups: Set(list.prefix(Int(max(got, 0)))))
  }

  /// The user's supplementary groups, from the group database.
  private static func groups(ofUser uid: uid_t, primary: gid_t) -> Set<gid_t> {
    guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else { return [primary] }
    var count: Int32 = 64
    var list = [gid_t](repeating: 0, count: Int(count))
    if getgrouplist(name, primary, &list, &count) < 0 {
      list = [gid_t](repeating: 0, count: Int(count))
      _ = getgrouplist(name, primary, &list, &count)
    }
    return Set(list.prefix(Int(max(count, 0))))
  }

  /// Whether the user may do `wanted` (4 read, 1 execute, or-ed) on a file with `info`.
  func may(_ wanted: mode_t, _ info: stat) -> Bool {
    if uid == 0 { return true }
    let mode = info.st_mode
    let bits: mode_t
    if info.st_uid == uid {
      bits = (mode >> 6) & 7
    } else if groups.contains(info.st_gid) {
      bits = (mode >> 3) & 7
    } else {
      bits = mode & 7
    }
    return bits & wanted == wanted
  }

  func checkReadable(_ path: String, _ info: stat) throws {
    guard may(4, info) else {
      throw RootfsError(
        message: "'\(path)' in the rootfs is not readable by the user running kraft (uid \(uid)); "
          + "kraft packs only files that user could read: remove it from the rootfs or make it readable")
    }
  }

  func checkListable(_ path: String, _ info: stat) throws {
    guard may(5, info) else {
      throw RootfsError(
        message: "folder '\(path)' in the rootfs cannot be listed by the user running kraft "
          + "(uid \(uid)); kraft packs only what that user could read: remove it or make it readable")
    }
  }
}

/// Which rootfs kraft may pack: one inside the project (after links and `..` are resolved),
/// or anywhere with an explicit opt-in (`kraft build --rootfs-outside-project`), because a
/// Kraftfile from someone else saying `rootfs: /etc` would otherwise put the host's secrets
/// into an image. Either way only what `user` could read goes in.
public struct RootfsPolicy: Sendable {
  public var projectDirectory: String
  public var allowOutsideProject: Bool
  public var user: InvokingUser

  public init(projectDirectory: String, allowOutsideProject: Bool, user: InvokingUser = .current()) {
    self.projectDirectory = projectDirectory
    self.allowOutsideProject = allowOutsideProject
    self.user = user
  }

  /// Throws unless the rootfs at `path` is inside the project or the opt-in was given.
  public func checkLocation(_ path: String) throws {
    guard !allowOutsideProject else { return }
    let project = OutputDirectory.resolvingSymlinks(Kraftfile.normalise(projectDirectory))
    let resolved = OutputDirectory.resolvingSymlinks(path)
    guard resolved == project || OutputDirectory.isInside(resolved, project) else {
      let shown = resolved == Kraftfile.normalise(path) ? "" : " (which resolves to '\(resolved)')"
      throw RootfsError(
        message: "rootfs '\(path)'\(shown) is outside the project folder '\(projectDirectory)'; "
          + "kraft packs only project files unless told otherwise: move it into the project, "
          + "or pass '--rootfs-outside-project' to 'kraft build' if you mean it")
    }
  }

  /// Permission bits for the initrd file: private (0600) when a file of the archive is not
  /// readable, or a folder not listable, by everyone, so packing never widens who can read it.
  static func initrdPermissions(_ entries: [CpioEntry]) -> mode_t {
    let open = entries.allSatisfy { entry in
      switch entry.kind {
      case .file: return entry.permissions & 0o004 != 0
      case .directory: return entry.permissions & 0o005 == 0o005
      case .symlink: return true
      }
    }
    return open ? 0o644 : 0o600
  }
}
