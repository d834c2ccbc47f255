import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Replaces a file the user owns (the Kraftfile, its lock) with new content in one step: the
/// text goes to a temporary file beside the real file, is flushed to disk, and is renamed over
/// it, so a reader, a crash or Ctrl-C sees the old file or the new one, never half of either.
/// With `followingLinks` (a user's own file, such as the Kraftfile) a symbolic link is
/// followed: the file it points to is replaced and the link stays a link. Without it (kraft's
/// generated files) a link is replaced, never written through. The new file keeps the old
/// one's permission bits and owner (an edit never widens who may read it), unless
/// `permissions` gives them exactly. `durable: false` leaves out the flush to disk, for files
/// whose readers check them anyway (kraft's prebuilt objects, which are many).
public enum AtomicFile {
  public struct Failure: Error, Equatable {
    /// The file as the caller named it.
    public var path: String
    /// `strerror` text, or what was wrong.
    public var reason: String
    /// True when the disk (or the user's quota) is full.
    public var diskFull: Bool

    public init(path: String, reason: String, diskFull: Bool) {
      self.path = path
      self.reason = reason
      self.diskFull = diskFull
    }

    /// From a Foundation error about `path` (its POSIX cause when it has one).
    public init(path: String, error: any Error) {
      let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
      if let underlying, underlying.domain == NSPOSIXErrorDomain {
        let code = Int32(underlying.code)
        self.init(
          path: path, reason: String(cString: strerror(code)),
          diskFull: code == ENOSPC || code == EDQUOT)
      } else {
        self.init(path: path, reason: (error as NSError).localizedDescription, diskFull: false)
      }
    }

    /// Lower-case, naming the file and the fix.
    public var message: String {
      diskFull
        ? "no space left on the device to write '\(path)'; free space (or move the project or "
          + "'outdir' to a larger disk) and run the command again"
        : "cannot write '\(path)': \(reason); check the permissions of the file and its folder"
    }
  }

  public static func replace(_ path: String, with text: String, followingLinks: Bool = false)
    throws
  {
    try replace(path, with: Data(text.utf8), followingLinks: followingLinks)
  }

  public static func replace(
    _ path: String, with data: Data, followingLinks: Bool = false, permissions: mode_t? = nil,
    durable: Bool = true
  ) throws {
    let target = followingLinks ? realTarget(path) : path
    var info = stat()
    let existing =
      (followingLinks ? stat(target, &info) : lstat(target, &info)) == 0
      && info.st_mode & S_IFMT == S_IFREG
    let mode = permissions ?? (existing ? info.st_mode & 0o7777 : 0o644)
    let folder = (target as NSString).deletingLastPathComponent
    let name = (target as NSString).lastPathComponent
    let temporary = folder + "/." + name + ".kraft-\(UUID().uuidString).tmp"
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode_t(0o600))
    guard descriptor >= 0 else { throw failure(path, errno) }
    var done = false
    defer {
      if !done { unlink(temporary) }
    }
    do {
      defer { close(descriptor) }
      if existing {
        _ = fchown(descriptor, info.st_uid, info.st_gid)
      }
      guard fchmod(descriptor, mode) == 0 else { throw failure(path, errno) }
      var bytes = [UInt8](data)
      var offset = 0
      while offset < bytes.count {
        let written = bytes.withUnsafeMutableBytes {
          write(descriptor, $0.baseAddress! + offset, $0.count - offset)
        }
        if written < 0 {
          if errno == EINTR { continue }
          throw failure(path, errno)
        }
        offset += written
      }
      bytes.removeAll()
      guard !durable || fsync(descriptor) == 0 else { throw failure(path, errno) }
    }
    guard rename(temporary, target) == 0 else { throw failure(path, errno) }
    done = true
  }

  /// The file a path finally names: symbolic links followed (relative ones against their
  /// folder), up to a bound so a loop ends. A missing file is its own target.
  public static func realTarget(_ path: String) -> String {
    var current = path
    for _ in 0..<40 {
      guard let destination = try? LocalFileSystem().destinationOfSymbolicLink(current)
      else { return current }
      current =
        destination.hasPrefix("/")
        ? destination
        : (current as NSString).deletingLastPathComponent + "/" + destination
    }
    return current
  }

  private static func failure(_ path: String, _ code: Int32) -> Failure {
    Failure(
      path: path, reason: String(cString: strerror(code)),
      diskFull: code == ENOSPC || code == EDQUOT)
  }
}
