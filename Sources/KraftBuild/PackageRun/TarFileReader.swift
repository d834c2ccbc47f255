import Foundation

/// Reads the regular files of an uncompressed tar archive (ustar, and the GNU and pax long
/// names kraftkit's Go writer may use) from memory: what `kraft run REF` needs to take
/// `/unikraft/bin/kernel` and its initrd out of an image's layers.
enum TarFileReader {
  struct Malformed: Error, CustomStringConvertible {
    var description: String
  }

  /// Paths without a leading `/` or `./`, mapped to their contents.
  static func files(in archive: Data) throws -> [String: Data] {
    let bytes = [UInt8](archive)
    var files: [String: Data] = [:]
    var offset = 0
    var pendingName: String?
    while offset + 512 <= bytes.count {
      let header = bytes[offset..<offset + 512]
      if header.allSatisfy({ $0 == 0 }) { break }
      guard let size = octal(header, offset + 124, 12) else {
        throw Malformed(description: "a tar header at byte \(offset) has no valid size")
      }
      let type = header[offset + 156]
      let bodyStart = offset + 512
      guard bodyStart + size <= bytes.count else {
        throw Malformed(description: "the tar entry at byte \(offset) runs past the archive's end")
      }
      let body = Data(bytes[bodyStart..<bodyStart + size])
      switch type {
      case UInt8(ascii: "L"):  // GNU long name: the next entry's name
        pendingName = String(decoding: body.prefix { $0 != 0 }, as: UTF8.self)
      case UInt8(ascii: "x"):  // pax extended header: `path=` names the next entry
        pendingName = paxPath(body) ?? pendingName
      case 0, UInt8(ascii: "0"):
        let name = pendingName ?? ustarName(header, offset)
        files[normalized(name)] = body
        pendingName = nil
      default:
        pendingName = nil
      }
      offset = bodyStart + size + (512 - size % 512) % 512
    }
    return files
  }

  static func normalized(_ path: String) -> String {
    var path = Substring(path)
    while path.hasPrefix("./") || path.hasPrefix("/") { path = path.drop { $0 == "." || $0 == "/" } }
    return String(path)
  }

  private static func ustarName(_ header: ArraySlice<UInt8>, _ offset: Int) -> String {
    func field(_ start: Int, _ length: Int) -> String {
      String(decoding: header[(offset + start)..<(offset + start + length)].prefix { $0 != 0 }, as: UTF8.self)
    }
    let name = field(0, 100)
    let prefix = field(345, 155)
    let isUstar = field(257, 5) == "ustar"
    return isUstar && !prefix.isEmpty ? prefix + "/" + name : name
  }

  private static func octal(_ header: ArraySlice<UInt8>, _ start: Int, _ length: Int) -> Int? {
    let digits = header[start..<start + length].drop { $0 == 0x20 }.prefix { $0 >= 0x30 && $0 <= 0x37 }
    return digits.isEmpty ? 0 : Int(String(decoding: digits, as: UTF8.self), radix: 8)
  }

  /// pax records are `LENGTH path=VALUE\n`.
  private static func paxPath(_ body: Data) -> String? {
    for record in String(decoding: body, as: UTF8.self).split(separator: "\n") {
      guard let space = record.firstIndex(of: " ") else { continue }
      let pair = record[record.index(after: space)...]
      if pair.hasPrefix("path=") { return String(pair.dropFirst(5)) }
    }
    return nil
  }
}
