import Foundation
import KraftBasics
import KraftModel

#if canImport(Glibc)
  import Glibc
#endif

/// Where `CpioWriter` puts an archive's bytes, piece by piece.
public protocol CpioSink {
  mutating func write(_ bytes: UnsafeRawBufferPointer) throws
}

/// Collects the archive in memory (tests, small archives).
public struct ByteSink: CpioSink {
  public private(set) var bytes: [UInt8] = []

  public init() {}

  public mutating func write(_ bytes: UnsafeRawBufferPointer) throws {
    self.bytes += bytes
  }
}

/// Rootfs files read into a sink, their read problems worded for the rootfs.
enum FileStream {
  static func copy(_ path: String, expectedSize: Int?, to sink: inout some CpioSink) throws {
    do {
      try RegularFile.read(path, expectedSize: expectedSize) { try sink.write($0) }
    } catch let problem as RegularFile.Problem {
      throw RootfsError(message: message(problem, path))
    }
  }

  static func startsWith(_ path: String, _ magic: [UInt8]) -> Bool {
    (try? RegularFile.prefix(path, magic.count)) == magic
  }

  static func message(_ problem: RegularFile.Problem, _ path: String) -> String {
    switch problem {
    case .missing: return "'\(path)' in the rootfs disappeared while it was packed; build again"
    case .changed: return "'\(path)' in the rootfs changed while it was packed; build again"
    case .isFolder, .notRegular:
      return "'\(path)' in the rootfs is no longer a regular file; remove it from the rootfs"
    case .unreadable(let reason):
      return "cannot read '\(path)' from the rootfs (\(reason)); check its permissions"
    }
  }
}
