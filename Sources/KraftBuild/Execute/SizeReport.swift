/// Sizes per library in an image, read from ld.lld's map file: every input section that ends
/// up in a loaded output section is charged to the library whose object it came from
/// (objects live under `.../obj/<library>/`). Debug sections are not counted.
public struct SizeReport: Hashable, Sendable {
  /// Bytes per library, largest first; `(linker)` holds linker-generated content.
  public var libraries: [(name: String, bytes: Int)]

  public static func == (lhs: SizeReport, rhs: SizeReport) -> Bool {
    lhs.libraries.elementsEqual(rhs.libraries) { $0.name == $1.name && $0.bytes == $1.bytes }
  }

  public func hash(into hasher: inout Hasher) {
    for entry in libraries {
      hasher.combine(entry.name)
      hasher.combine(entry.bytes)
    }
  }

  public var totalBytes: Int { libraries.reduce(0) { $0 + $1.bytes } }

  /// Parses the map (`VMA LMA Size Align Out In Symbol` columns, sizes in hex). Read as bytes,
  /// field by field: musl's map is 11,000 lines, and splitting each into strings was a sixth
  /// of a warm build's time.
  public init(map: String) {
    var sizes: [String: Int] = [:]
    var libraryOfFile: [String: String] = [:]
    var outputSectionCounts = true
    var text = map
    text.withUTF8 { bytes in
      let space = UInt8(ascii: " ")
      var start = 0
      while start < bytes.count {
        var end = start
        while end < bytes.count, bytes[end] != UInt8(ascii: "\n") { end += 1 }
        defer { start = end + 1 }
        // The size (third field) and where the name (fifth field on) begins.
        var index = start
        var field = 0
        var size = 0
        var sizeIsHex = false
        var nameStart = -1
        while index < end, field < 5 {
          while index < end, bytes[index] == space { index += 1 }
          guard index < end else { break }
          let fieldStart = index
          while index < end, bytes[index] != space { index += 1 }
          if field == 2 { (size, sizeIsHex) = Self.hex(bytes[fieldStart..<index]) }
          if field == 4 { nameStart = fieldStart }
          field += 1
        }
        guard nameStart >= 0, sizeIsHex else { continue }
        var nameEnd = end
        while nameEnd > nameStart, bytes[nameEnd - 1] == space { nameEnd -= 1 }
        let raw = String(
          decoding: UnsafeBufferPointer(rebasing: bytes[nameStart..<nameEnd]), as: UTF8.self)
        // Fields are joined by one blank, as a split and join would.
        let name =
          raw.byteRange(of: "  ") != nil ? raw.split(separator: " ").joined(separator: " ") : raw
        // An input section names `file:(section)`; an output section is a bare `.name`
        // (symbols rarely start with a dot, and linker-script assignments hold blanks).
        // Byte searches (`byteRange`, not Foundation's): these run for every line of the map.
        if let paren = name.byteRange(of: ":(") {
          guard outputSectionCounts else { continue }
          let file = String(name[..<paren.lowerBound])
          let library = libraryOfFile[file] ?? Self.library(of: file)
          libraryOfFile[file] = library
          sizes[library, default: 0] += size
        } else if name.hasPrefix("."), name.byteRange(of: " ") == nil {
          outputSectionCounts = !Self.isDebug(name)
        }
      }
    }
    libraries = sizes.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
      .map { (name: $0.key, bytes: $0.value) }
  }

  /// A field of hex digits as a number, and whether it was one (as `Int(_:radix: 16)` reads it,
  /// without a sign).
  private static func hex(_ digits: Slice<UnsafeBufferPointer<UInt8>>) -> (Int, Bool) {
    guard !digits.isEmpty, digits.count <= 15 else { return (0, false) }
    var value = 0
    for byte in digits {
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): value = value * 16 + Int(byte - UInt8(ascii: "0"))
      case UInt8(ascii: "a")...UInt8(ascii: "f"): value = value * 16 + Int(byte - UInt8(ascii: "a")) + 10
      case UInt8(ascii: "A")...UInt8(ascii: "F"): value = value * 16 + Int(byte - UInt8(ascii: "A")) + 10
      default: return (0, false)
      }
    }
    return (value, true)
  }

  /// A table for the report file and `kraft build`'s summary.
  public func rendered(image: String, imageBytes: Int?, debugBytes: Int?) -> String {
    var lines = ["image \(image)"]
    if let imageBytes { lines.append("  file size:            \(imageBytes) bytes") }
    if let debugBytes { lines.append("  with debug info:      \(debugBytes) bytes") }
    lines.append("  loaded sections:      \(totalBytes) bytes")
    let width = max(12, libraries.map(\.name.count).max() ?? 0)
    for entry in libraries {
      lines.append(
        "    " + entry.name.padding(toLength: width, withPad: " ", startingAt: 0) + " "
          + String(entry.bytes))
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// The libraries a rendered report lists (its four-space indented rows): what `kraft run`
  /// reads to learn whether an image links a library, such as `netdev`.
  public static func libraryNames(inRendered report: String) -> Set<String> {
    Set(
      report.split(separator: "\n").compactMap { line -> String? in
        guard line.hasPrefix("    ") else { return nil }
        let fields = line.split(separator: " ")
        return fields.count == 2 && Int(fields[1]) != nil ? String(fields[0]) : nil
      })
  }

  static func library(of file: String) -> String {
    ObjectLayout.library(ofObject: file) ?? "(linker)"
  }

  static func isDebug(_ section: String) -> Bool {
    section.hasPrefix(".debug") || section == ".comment" || section == ".symtab"
      || section == ".strtab" || section == ".shstrtab"
  }
}
