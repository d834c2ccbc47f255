import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Reads files that must be regular files (a rootfs file, a mirror's archive, a config file)
/// without ever blocking on something else: the file is opened non-blocking and checked with
/// `fstat` on the open descriptor before a byte is read, so a FIFO or a device named where a
/// file belongs is refused at once instead of hanging kraft, and nothing can swap the file
/// between the check and the read. Content is read in bounded pieces, never whole.
public enum RegularFile {
  /// What stopped a read; callers turn it into a message that names the file and the fix.
  public enum Problem: Error, Equatable {
    case missing
    case isFolder
    /// A FIFO, socket or device; `kind` names it ("a FIFO", "a character device").
    case notRegular(kind: String)
    /// `open` or `read` failed with this `strerror` text.
    case unreadable(reason: String)
    /// Its size changed while it was being read.
    case changed
  }

  public static let chunkSize = 1 << 20

  /// Calls `body` with consecutive pieces of the file (each at most `chunkSize` bytes).
  /// `expectedSize`: the size the file had when it was listed; another size is `.changed`.
  public static func read(
    _ path: String, expectedSize: Int? = nil, _ body: (UnsafeRawBufferPointer) throws -> Void
  ) throws {
    let descriptor = try open(path)
    defer { close(descriptor) }
    var info = stat()
    guard fstat(descriptor, &info) == 0 else { throw Problem.unreadable(reason: lastError()) }
    if let expectedSize, Int(info.st_size) != expectedSize { throw Problem.changed }
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
    defer { buffer.deallocate() }
    var total = 0
    while true {
      let count = Glibc.read(descriptor, buffer.baseAddress, chunkSize)
      if count < 0 {
        if errno == EINTR { continue }
        throw Problem.unreadable(reason: lastError())
      }
      if count == 0 { break }
      total += count
      if let expectedSize, total > expectedSize { throw Problem.changed }
      try body(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
    }
    if let expectedSize, total != expectedSize { throw Problem.changed }
  }

  /// The first `count` bytes (fewer when the file is shorter).
  public static func prefix(_ path: String, _ count: Int) throws -> [UInt8] {
    let descriptor = try open(path)
    defer { close(descriptor) }
    var bytes = [UInt8](repeating: 0, count: count)
    let got = bytes.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, count) }
    guard got >= 0 else { throw Problem.unreadable(reason: lastError()) }
    return Array(bytes[0..<got])
  }

  /// The whole file as UTF-8 text, for small files (configuration), at most `limit` bytes.
  public static func text(_ path: String, limit: Int = 1 << 20) throws -> String {
    var bytes: [UInt8] = []
    try read(path) { piece in
      bytes += piece
      if bytes.count > limit { throw Problem.unreadable(reason: "larger than \(limit) bytes") }
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// Opens for reading, never blocking, and fails unless the file is a regular file.
  private static func open(_ path: String) throws -> Int32 {
    let descriptor = Glibc.open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
    guard descriptor >= 0 else {
      if errno == ENOENT || errno == ENOTDIR { throw Problem.missing }
      throw Problem.unreadable(reason: lastError())
    }
    var info = stat()
    guard fstat(descriptor, &info) == 0 else {
      let reason = lastError()
      close(descriptor)
      throw Problem.unreadable(reason: reason)
    }
    let type = info.st_mode & S_IFMT
    guard type == S_IFREG else {
      close(descriptor)
      throw type == S_IFDIR ? Problem.isFolder : Problem.notRegular(kind: kindName(type))
    }
    // Regular files never block; clear the flag so reads behave as usual.
    _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK)
    return descriptor
  }

  /// "a FIFO", "a character device", ...: what a path that is not a regular file is.
  public static func kindName(_ type: mode_t) -> String {
    switch type {
    case S_IFIFO: return "a FIFO (named pipe)"
    case S_IFCHR: return "a character device"
    case S_IFBLK: return "a block device"
    case S_IFSOCK: return "a socket"
    case S_IFDIR: return "a folder"
    case S_IFLNK: return "a symbolic link"
    default: return "not a regular file"
    }
  }

  private static func lastError() -> String { String(cString: strerror(errno)) }
}
