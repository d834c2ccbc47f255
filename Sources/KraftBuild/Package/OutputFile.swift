import Foundation
import KraftBasics
import KraftModel

#if canImport(Glibc)
  import Glibc
#endif

/// Writes an output file of the build (the initrd) without ever leaving half of it: the bytes
/// go to `<path>.partial` beside it, which replaces the file by a rename only when complete and
/// different (an unchanged file keeps its modification time). Any failure, a full disk among
/// them, removes the partial file and leaves the previous output as it was.
public struct OutputFile: CpioSink {
  public let path: String
  public var partialPath: String { path + ".partial" }
  /// Permission bits of the written file.
  public let permissions: mode_t
  private var descriptor: Int32 = -1
  private var buffer: [UInt8] = []
  private static let bufferLimit = 1 << 20

  /// Writes the file by calling `body` with a sink; returns true when the file changed.
  @discardableResult
  public static func write(
    _ path: String, permissions: mode_t = 0o644, _ body: (inout OutputFile) throws -> Void
  ) throws -> Bool {
    var file = OutputFile(path: path, permissions: permissions)
    do {
      try file.open()
      try body(&file)
      try file.flush()
      try file.closeChecked()
      if Self.sameContent(file.partialPath, path) {
        unlink(file.partialPath)
        return false
      }
      guard rename(file.partialPath, path) == 0 else { throw file.failure(errno) }
      return true
    } catch {
      if file.descriptor >= 0 { close(file.descriptor) }
      unlink(file.partialPath)
      throw error
    }
  }

  private init(path: String, permissions: mode_t) {
    self.path = path
    self.permissions = permissions
  }

  public mutating func write(_ bytes: UnsafeRawBufferPointer) throws {
    buffer += bytes
    if buffer.count >= Self.bufferLimit { try flush() }
  }

  private mutating func open() throws {
    unlink(partialPath)
    descriptor = Glibc.open(partialPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, permissions)
    guard descriptor >= 0 else { throw failure(errno) }
    // The umask must not decide who may read the output (an initrd may hold private files).
    fchmod(descriptor, permissions)
  }

  private mutating func flush() throws {
    var offset = 0
    while offset < buffer.count {
      let written = buffer[offset...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
      if written < 0 {
        if errno == EINTR { continue }
        throw failure(errno)
      }
      offset += written
    }
    buffer.removeAll(keepingCapacity: true)
  }

  private mutating func closeChecked() throws {
    let result = close(descriptor)
    descriptor = -1
    if result != 0 { throw failure(errno) }
  }

  private func failure(_ code: Int32) -> OutputError {
    let folder = (path as NSString).deletingLastPathComponent
    if code == ENOSPC || code == EDQUOT {
      return OutputError(
        message: "no space left on the device while writing '\(path)'; free space in '\(folder)' "
          + "(or set 'outdir' to a folder on a larger disk) and build again; the previous file "
          + "was kept")
    }
    return OutputError(
      message: "cannot write '\(path)': \(String(cString: strerror(code))); check the permissions "
        + "of '\(folder)' and build again")
  }

  /// Compares two files piece by piece (never whole in memory); false when either is missing.
  static func sameContent(_ a: String, _ b: String) -> Bool {
    var infoA = stat()
    var infoB = stat()
    guard stat(a, &infoA) == 0, stat(b, &infoB) == 0, infoA.st_size == infoB.st_size,
      infoA.st_mode & 0o7777 == infoB.st_mode & 0o7777,
      let left = FileHandle(forReadingAtPath: a), let right = FileHandle(forReadingAtPath: b)
    else { return false }
    defer {
      try? left.close()
      try? right.close()
    }
    while true {
      let one = (try? left.read(upToCount: RegularFile.chunkSize)) ?? nil
      let two = (try? right.read(upToCount: RegularFile.chunkSize)) ?? nil
      if one != two { return false }
      if one == nil || one!.isEmpty { return true }
    }
  }
}
