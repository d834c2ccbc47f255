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

  /// Parses the map (`VMA LMA Size Align Out In Symbol` columns, sizes in hex).
  public init(map: String) {
    var sizes: [String: Int] = [:]
    var outputSectionCounts = true
    for line in map.split(separator: "\n") {
      let fields = line.split(separator: " ", omittingEmptySubsequences: true)
      guard fields.count >= 5, let size = Int(fields[2], radix: 16) else { continue }
      let name = fields[4...].joined(separator: " ")
      // An input section names `file:(section)`; an output section is a bare `.name` (symbols
      // rarely start with a dot, and linker-script assignments hold blanks).
      if let paren = name.range(of: ":(") {
        guard outputSectionCounts else { continue }
        let file = String(name[..<paren.lowerBound])
        sizes[Self.library(of: file), default: 0] += size
      } else if name.hasPrefix("."), !name.contains(" ") {
        outputSectionCounts = !Self.isDebug(name)
      }
    }
    libraries = sizes.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
      .map { (name: $0.key, bytes: $0.value) }
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
    let parts = file.split(separator: "/")
    if let obj = parts.lastIndex(of: "obj"), obj + 1 < parts.count - 1 {
      return String(parts[obj + 1])
    }
    return "(linker)"
  }

  static func isDebug(_ section: String) -> Bool {
    section.hasPrefix(".debug") || section == ".comment" || section == ".symtab"
      || section == ".strtab" || section == ".shstrtab"
  }
}
