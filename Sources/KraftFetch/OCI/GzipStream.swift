import CLibArchive
import Foundation
import KraftBasics

/// Decompresses a gzip stream held in memory (a `tar+gzip` image layer, which other tools than
/// kraft and kraftkit push) with libarchive's gzip filter and its raw format, which hands the
/// decompressed bytes over as one entry.
public enum GzipStream {
  public struct Malformed: Error, CustomStringConvertible {
    public var description: String
  }

  /// The decompressed bytes; an error for data that is not gzip, is truncated, or would
  /// decompress to more than `limit` bytes (a layer is held in memory).
  public static func decompress(_ data: Data, limit: Int = 1 << 31) throws -> Data {
    guard let reader = archive_read_new() else { throw Malformed(description: "out of memory") }
    defer { archive_read_free(reader) }
    archive_read_support_filter_gzip(reader)
    archive_read_support_format_raw(reader)
    return try data.withUnsafeBytes { bytes -> Data in
      guard archive_read_open_memory(reader, bytes.baseAddress, bytes.count) == ARCHIVE_OK,
        archive_filter_code(reader, 0) == ARCHIVE_FILTER_GZIP
      else { throw Malformed(description: "not a gzip stream") }
      var entry: OpaquePointer?
      guard archive_read_next_header(reader, &entry) == ARCHIVE_OK else {
        throw Malformed(description: errorText(reader))
      }
      var output = Data()
      var buffer = [UInt8](repeating: 0, count: 1 << 16)
      while true {
        let count = buffer.withUnsafeMutableBytes {
          archive_read_data(reader, $0.baseAddress, $0.count)
        }
        if count == 0 { return output }
        guard count > 0 else { throw Malformed(description: errorText(reader)) }
        guard output.count + count <= limit else {
          throw Malformed(description: "it decompresses to more than \(limit) bytes")
        }
        output.append(contentsOf: buffer[0..<count])
      }
    }
  }

  private static func errorText(_ reader: OpaquePointer) -> String {
    archive_error_string(reader).map { String(cString: $0) } ?? "a damaged gzip stream"
  }
}
