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
  private let removedOnUnlock: Bool

  /// Blocks until the lock is free, calling `waiting` first when another holder makes it
  /// wait (to say so). Creates the lock file (and its folder) when missing. A lock
  /// `removedOnUnlock` deletes its file as it is released, for locks named by something
  /// that is not needed again (a store key claimed until stored), so they do not pile up;
  /// every holder of such a lock must say so.
  public init(path: String, waiting: (() -> Void)? = nil, removedOnUnlock: Bool = false) throws {
    self.path = path
    self.removedOnUnlock = removedOnUnlock
    // The lock is an open descriptor (flock), which only a real file can give.
    try LocalFileSystem().createDirectory((path as NSString).deletingLastPathComponent)
    var told = false
    while true {
      descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
      guard descriptor >= 0 else {
        throw FileLockError(path: path, reason: String(cString: strerror(errno)))
      }
      if let waiting, !told, flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
        waiting()
        told = true
      }
      while flock(descriptor, LOCK_EX) != 0 {
        if errno == EINTR { continue }
        let reason = String(cString: strerror(errno))
        close(descriptor)
        throw FileLockError(path: path, reason: reason)
      }
      // The holder before may have removed the file while this one waited on it: a lock on
      // a removed file excludes nobody, so open the path again.
      if !removedOnUnlock || isStillAtPath() { return }
      close(descriptor)
    }
  }

  private func isStillAtPath() -> Bool {
    var held = stat()
    var named = stat()
    return fstat(descriptor, &held) == 0 && stat(path, &named) == 0 && held.st_dev == named.st_dev
      && held.st_ino == named.st_ino
  }

  public func unlock() {
    guard descriptor >= 0 else { return }
    // Removed while still held, so nobody can lock this file and believe it holds the path.
    if removedOnUnlock { unlink(path) }
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
