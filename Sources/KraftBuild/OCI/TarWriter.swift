import Foundation

/// A POSIX ustar archive written byte for byte the same every time: owner 0:0, no user or
/// group names, the one modification time given, entries in the order added. kraft writes
/// kraftkit's layers (one file at a well-known path) and `--output tar:FILE` with it; both must
/// be reproducible, which a general tar library's defaults (the file's own times and owner)
/// are not.
struct TarWriter {
  enum Failure: Error, CustomStringConvertible {
    case nameTooLong(String)
    var description: String {
      switch self {
      case .nameTooLong(let name): "the path '\(name)' is too long for a tar header"
      }
    }
  }

  private(set) var data = Data()
  /// Seconds since 1970 for every entry.
  let modificationTime: Int

  init(modificationTime: Int) { self.modificationTime = modificationTime }

  mutating func addDirectory(_ path: String, mode: Int = 0o755) throws {
    try appendHeader(name: path.hasSuffix("/") ? path : path + "/", mode: mode, size: 0, type: "5")
  }

  mutating func addFile(_ path: String, contents: Data, mode: Int = 0o644) throws {
    try appendHeader(name: path, mode: mode, size: contents.count, type: "0")
    data.append(contents)
    data.append(Data(count: Self.padding(contents.count)))
  }

  /// The archive with its end marker (two zero blocks).
  func finished() -> Data {
    data + Data(count: 1024)
  }

  static func padding(_ size: Int) -> Int { (512 - size % 512) % 512 }

  private mutating func appendHeader(name: String, mode: Int, size: Int, type: Character)
    throws
  {
    var header = [UInt8](repeating: 0, count: 512)
    let (prefix, base) = try Self.split(name)
    func put(_ text: String, at offset: Int) {
      for (index, byte) in text.utf8.enumerated() { header[offset + index] = byte }
    }
    /// A numeric field: octal digits, zero-padded, then a NUL.
    func octal(_ value: Int, at offset: Int, width: Int) {
      let digits = String(value, radix: 8)
      put(String(repeating: "0", count: width - 1 - digits.count) + digits, at: offset)
    }
    put(base, at: 0)
    octal(mode, at: 100, width: 8)
    octal(0, at: 108, width: 8)
    octal(0, at: 116, width: 8)
    octal(size, at: 124, width: 12)
    octal(modificationTime, at: 136, width: 12)
    put(String(type), at: 156)
    put("ustar\u{0}00", at: 257)
    octal(0, at: 329, width: 8)
    octal(0, at: 337, width: 8)
    put(prefix, at: 345)
    // The checksum is taken with its own field as eight blanks.
    put("        ", at: 148)
    let sum = header.reduce(0) { $0 + Int($1) }
    let digits = String(sum, radix: 8)
    put(String(repeating: "0", count: 6 - digits.count) + digits + "\u{0} ", at: 148)
    data.append(contentsOf: header)
  }

  /// ustar keeps up to 100 bytes of name and 155 of prefix, split at a `/`.
  private static func split(_ name: String) throws -> (prefix: String, base: String) {
    if name.utf8.count <= 100 { return ("", name) }
    let bytes = Array(name.utf8)
    for index in stride(from: min(bytes.count - 1, 155), through: 1, by: -1)
    where bytes[index] == UInt8(ascii: "/") && bytes.count - index - 1 <= 100 {
      return (
        String(decoding: bytes[..<index], as: UTF8.self),
        String(decoding: bytes[(index + 1)...], as: UTF8.self)
      )
    }
    throw Failure.nameTooLong(name)
  }
}
