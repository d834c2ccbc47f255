import KraftModel

/// Renders diagnostics the way compilers do, so editors and terminals can jump to them:
///
/// ```
/// Kraftfile:14:9: error: unknown architecture 'x86-64'; did you mean 'x86_64'?
///     arch: x86-64
///           ^
/// Kraftfile:12:5: note: ...
/// ```
///
/// Pure: the caller supplies the files' text (it already read them to parse) and decides
/// whether to colour (only on a terminal).
public struct DiagnosticRenderer: Sendable {
  public var colour: Bool

  public init(colour: Bool = false) {
    self.colour = colour
  }

  /// All diagnostics, each followed by its notes. `sources` maps a location's `file` to that
  /// file's text; a diagnostic whose file is not there is printed without its source line.
  public func render(_ diagnostics: [Diagnostic], sources: [String: String]) -> String {
    var lines: [String] = []
    // Each file is split into lines once: finding each diagnostic's line by scanning the text
    // was quadratic for files with thousands of problems.
    var index = LineIndex(sources: sources)
    for diagnostic in diagnostics {
      append(diagnostic, index: &index, to: &lines)
    }
    return lines.joined(separator: "\n")
  }

  /// One diagnostic and its notes, given the text of the file it points into.
  public func render(_ diagnostic: Diagnostic, source: String?) -> String {
    var sources: [String: String] = [:]
    if let file = diagnostic.location?.file, let source { sources[file] = source }
    return render([diagnostic], sources: sources)
  }

  private func append(_ diagnostic: Diagnostic, index: inout LineIndex, to lines: inout [String]) {
    let label = paint(diagnostic.severity.rawValue + ":", severityColour(diagnostic.severity))
    var header = label + " " + paint(diagnostic.message, "1")
    if let location = diagnostic.location {
      header = paint("\(location):", "1") + " " + header
    }
    lines.append(header)
    if let location = diagnostic.location, let line = index.line(location.line, of: location.file) {
      lines.append(line)
      lines.append(paint(caretLine(under: line, column: location.column), "32;1"))
    }
    for note in diagnostic.notes {
      append(note, index: &index, to: &lines)
    }
  }

  /// Spaces up to the column, keeping tabs so the caret lines up however tabs are displayed.
  private func caretLine(under line: String, column: Int) -> String {
    var caret = ""
    var count = 0
    for character in line.prefix(max(0, column - 1)) {
      caret.append(character == "\t" ? "\t" : " ")
      count += 1
    }
    caret.append(String(repeating: " ", count: max(0, column - 1 - count)))
    return caret + "^"
  }

  /// The 1-based line `number` of `text`, without its line ending.
  static func line(_ number: Int, of text: String) -> String? {
    var index = LineIndex(sources: ["": text])
    return index.line(number, of: "")
  }

  /// The sources' lines, split on first use of each file.
  private struct LineIndex {
    let sources: [String: String]
    var split: [String: [Substring.UTF8View]] = [:]

    init(sources: [String: String]) { self.sources = sources }

    mutating func line(_ number: Int, of file: String) -> String? {
      guard number >= 1, let text = sources[file] else { return nil }
      if split[file] == nil {
        // By bytes: as a `Character`, "\r\n" is one grapheme and would not split on "\n".
        split[file] = text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
      }
      guard let lines = split[file], number <= lines.count else { return nil }
      let line = lines[number - 1]
      return String(decoding: line.last == UInt8(ascii: "\r") ? line.dropLast() : line[...], as: UTF8.self)
    }
  }

  private func severityColour(_ severity: Diagnostic.Severity) -> String {
    switch severity {
    case .error: return "31;1"
    case .warning: return "35;1"
    case .note: return "36;1"
    }
  }

  /// ANSI SGR colouring, or the text unchanged when colour is off.
  private func paint(_ text: String, _ code: String) -> String {
    colour ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
  }
}
