import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// An exclusive advisory lock (`flock`) on a file, held until `unlock()` or deinit. Several
/// kraft processes share one cache; each entry is created under its lock so two processes
/// fetching the same source do the work once and never see a half-written entry.
public final class FileLock {
  public let path: String
  private var descriptor: Int32

  /// Blocks until the lock is free, calling `waiting` first when another holder makes it
  /// wait (to say so). Creates the lock file (and its folder) when missing.
  public init(path: String, waiting: (() -> Void)? = nil) throws {
    self.path = path
    // The lock is an open descriptor (flock), which only a real file can give.
    try LocalFileSystem().createDirectory((path as NSString).deletingLastPathComponent)
    descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else {
      throw FileLockError(path: path, reason: String(cString: strerror(errno)))
    }
    if let waiting {
      if flock(descriptor, LOCK_EX | LOCK_NB) == 0 { return }
      waiting()
    }
    while flock(descriptor, LOCK_EX) != 0 {
      if errno == EINTR { continue }
      let reason = String(cString: strerror(errno))
      close(descriptor)
      throw FileLockError(path: path, reason: reason)
    }
  }

  public func unlock() {
    guard descriptor >= 0 else { return }
    flock(descriptor, LOCK_UN)
    close(descriptor)
    descriptor = -1
  }

  deinit { unlock() }

  /// Runs `body` while holding the lock at `path`.
  public static func withLock<T>(at path: String, _ body: () throws -> T) throws -> T {
    let lock = try FileLock(path: path)
    defer { lock.unlock() }
    return try body()
  }
}

public struct FileLockError: Error, CustomStringConvertible {
  public var path: String
  public var reason: String
  public var description: String { "cannot lock '\(path)': \(reason)" }
}
