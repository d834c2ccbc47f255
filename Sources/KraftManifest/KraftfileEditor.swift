import KraftModel

/// Edits the `libraries:` section of a Kraftfile as text, so that everything else the user
/// wrote (comments, blank lines, key order, quoting) stays exactly as it was. The YAML is
/// composed only to find where things are; the edit itself is a splice of whole lines.
///
/// Handles the block style kraft writes and users mostly write (`libraries:` followed by
/// indented `name: version` or `name:` with a nested map), an empty or `{}` value, and a
/// missing section. Flow-style maps with entries (`libraries: {a: 1}`) are refused with a
/// message, rather than rewritten into a different style.
public struct KraftfileEditor: Sendable {
  public private(set) var text: String
  public let file: String

  public init(text: String, file: String = "Kraftfile") {
    self.text = text
    self.file = file
  }

  /// Adds `name` (with `version`, or `name:` alone for the recipe's default version) at the
  /// end of `libraries:`. An existing entry of that name is an error: use `setVersion`.
  public mutating func addLibrary(_ name: String, version: String?) throws {
    let layout = try locate()
    if layout.entries.contains(where: { $0.name == name }) {
      throw KraftfileEditError(message: "'\(name)' is already in 'libraries:' of '\(file)'")
    }
    let value = version.map { " " + YAMLQuoting.quotedIfNeeded($0) } ?? ""
    var lines = self.lines
    switch layout.section {
    case .missing:
      while let last = lines.last, last.trimmingSpaces.isEmpty { lines.removeLast() }
      lines += ["", "libraries:", "  \(name):\(value)"]
    case .emptyValue(let line):
      lines[line] = Self.key(of: lines[line]) + ":"
      lines.insert("  \(name):\(value)", at: line + 1)
    case .block(let keyLine, let indent, let lastLine):
      _ = keyLine
      lines.insert(String(repeating: " ", count: indent) + "\(name):\(value)", at: lastLine + 1)
    }
    self.lines = lines
  }

  /// Removes the entry of `name` and the lines nested under it. When no entry is left the
  /// section reads `libraries: {}`, which keeps a comment above it meaningful.
  public mutating func removeLibrary(_ name: String) throws {
    let layout = try locate()
    guard let index = layout.entries.firstIndex(where: { $0.name == name }),
      case .block(let keyLine, _, _) = layout.section
    else {
      throw KraftfileEditError(message: "'\(name)' is not in 'libraries:' of '\(file)'")
    }
    var lines = self.lines
    let entry = layout.entries[index]
    lines.removeSubrange(entry.firstLine...entry.lastLine)
    if layout.entries.count == 1 {
      lines[keyLine] = Self.key(of: lines[keyLine]) + ": {}"
    }
    self.lines = lines
  }

  /// Sets the version of an existing entry: replaces a shorthand value, or the `version:`
  /// of a long-form map (added when the map has none).
  public mutating func setVersion(of name: String, to version: String) throws {
    let layout = try locate()
    guard let entry = layout.entries.first(where: { $0.name == name }) else {
      throw KraftfileEditError(message: "'\(name)' is not in 'libraries:' of '\(file)'")
    }
    var lines = self.lines
    let quoted = YAMLQuoting.quotedIfNeeded(version)
    switch entry.value.content {
    case .scalar(let scalar) where scalar.isNull:
      lines[entry.firstLine] =
        Self.withoutComment(lines[entry.firstLine]) + " " + quoted
        + Self.comment(of: lines[entry.firstLine])
    case .scalar:
      let line = entry.value.location.line - 1
      let column = entry.value.location.column - 1
      let prefix = String(lines[line].prefix(column))
      lines[line] = prefix + quoted + Self.comment(of: lines[line])
    case .mapping(let pairs):
      if let pair = pairs.first(where: { $0.key.scalarText == "version" }) {
        let line = pair.value.location.line - 1
        lines[line] =
          String(lines[line].prefix(pair.value.location.column - 1)) + quoted
          + Self.comment(of: lines[line])
      } else if let first = pairs.first, first.key.location.line - 1 > entry.firstLine {
        let indent = first.key.location.column - 1
        lines.insert(
          String(repeating: " ", count: indent) + "version: " + quoted, at: entry.firstLine + 1)
      } else {
        throw KraftfileEditError(
          message: "cannot add a version to the one-line map of '\(name)' in '\(file)'; "
            + "write it as 'version: \(version)' under '\(name):'")
      }
    case .sequence:
      throw KraftfileEditError(message: "'\(name)' in '\(file)' is a list, not a library entry")
    }
    self.lines = lines
  }

  /// The Kraftfile's top-level keys, in the file's order.
  public func topLevelKeys() throws -> [String] {
    guard case .mapping(let pairs) = try YAMLComposer.compose(text, file: file).content else {
      throw KraftfileEditError(message: "'\(file)' is not a map of keys; cannot edit it")
    }
    return pairs.compactMap { $0.key.scalarText }
  }

  /// Appends the top-level `key: value` (`value` is YAML text) at the end of the file. An
  /// existing key of that name is an error: kraft never rewrites what the user wrote.
  public mutating func addTopLevelKey(_ key: String, value: String) throws {
    if try topLevelKeys().contains(key) {
      throw KraftfileEditError(message: "'\(key):' is already in '\(file)'")
    }
    var lines = self.lines
    while let last = lines.last, last.trimmingSpaces.isEmpty { lines.removeLast() }
    // After an indented block (`libraries:`'s entries), a blank line, as kraft init writes.
    if let last = lines.last, last.first == " " { lines.append("") }
    lines.append("\(key): \(value)")
    self.lines = lines
  }

  // MARK: - Locating the section

  struct Entry {
    var name: String
    var value: YAMLNode
    /// 0-based, inclusive: the key's line through the last line nested under it.
    var firstLine: Int
    var lastLine: Int
  }

  enum Section {
    case missing
    /// `libraries:` with nothing, `~` or `{}`: its line (0-based).
    case emptyValue(line: Int)
    /// The key's line, the entries' indentation and the last line belonging to the block.
    case block(keyLine: Int, indent: Int, lastLine: Int)
  }

  struct Layout {
    var section: Section
    var entries: [Entry]
  }

  private func locate() throws -> Layout {
    let root = try YAMLComposer.compose(text, file: file)
    guard case .mapping(let rootPairs) = root.content else {
      throw KraftfileEditError(message: "'\(file)' is not a map of keys; cannot edit it")
    }
    guard let index = rootPairs.firstIndex(where: { $0.key.scalarText == "libraries" }) else {
      return Layout(section: .missing, entries: [])
    }
    let key = rootPairs[index].key
    let value = rootPairs[index].value
    let keyLine = key.location.line - 1
    let lines = self.lines
    // The section ends where the next top-level key starts (or the file ends); trailing blank
    // lines and comments written at column 0 belong to what follows, not to the section.
    var end = index + 1 < rootPairs.count ? rootPairs[index + 1].key.location.line - 1 : lines.count
    while end - 1 > keyLine {
      let line = lines[end - 1]
      if line.trimmingSpaces.isEmpty || line.hasPrefix("#") { end -= 1 } else { break }
    }
    switch value.content {
    case .scalar(let scalar) where scalar.isNull:
      return Layout(section: .emptyValue(line: keyLine), entries: [])
    case .mapping(let pairs) where pairs.isEmpty:
      return Layout(section: .emptyValue(line: keyLine), entries: [])
    case .mapping(let pairs):
      guard value.location.line - 1 > keyLine || pairs[0].key.location.line - 1 > keyLine else {
        throw KraftfileEditError(
          message: "'libraries:' of '\(file)' is written on one line ({...}); write it as a "
            + "block, one library per line, so kraft can edit it without reformatting it")
      }
      var entries: [Entry] = []
      for (position, pair) in pairs.enumerated() {
        let first = pair.key.location.line - 1
        var last = position + 1 < pairs.count ? pairs[position + 1].key.location.line - 2 : end - 1
        while last > first, lines[last].trimmingSpaces.isEmpty { last -= 1 }
        entries.append(
          Entry(
            name: pair.key.scalarText ?? "", value: pair.value, firstLine: first, lastLine: last))
      }
      let indent = pairs[0].key.location.column - 1
      return Layout(
        section: .block(keyLine: keyLine, indent: indent, lastLine: entries.last!.lastLine),
        entries: entries)
    default:
      throw KraftfileEditError(message: "'libraries:' of '\(file)' is not a map of library names")
    }
  }

  // MARK: - Text helpers

  private var lines: [String] {
    get {
      var split = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
      if split.last == "" { split.removeLast() }
      return split
    }
    set { text = newValue.joined(separator: "\n") + "\n" }
  }

  private static func key(of line: String) -> String {
    String(line.prefix { $0 != ":" })
  }

  /// ` # comment` at the end of a line (with its leading spaces), or "".
  private static func comment(of line: String) -> String {
    guard let hash = commentStart(line) else { return "" }
    var start = hash
    while start > line.startIndex, line[line.index(before: start)] == " " {
      start = line.index(before: start)
    }
    return String(line[start...])
  }

  private static func withoutComment(_ line: String) -> String {
    guard let hash = commentStart(line) else { return line }
    var text = String(line[..<hash])
    while text.hasSuffix(" ") { text.removeLast() }
    return text
  }

  /// A `#` preceded by a space and outside quotes starts a comment in YAML.
  private static func commentStart(_ line: String) -> String.Index? {
    var quote: Character?
    var previous: Character = " "
    for index in line.indices {
      let character = line[index]
      if let open = quote {
        if character == open { quote = nil }
      } else if character == "'" || character == "\"" {
        quote = character
      } else if character == "#", previous == " " {
        return index
      }
      previous = character
    }
    return nil
  }
}

/// An edit kraft cannot make to a Kraftfile.
public struct KraftfileEditError: KraftError, Hashable {
  public var message: String
  public init(message: String) { self.message = message }
  public var kind: ErrorKind { .invalidInput }
}

extension YAMLNode {
  fileprivate var scalarText: String? {
    if case .scalar(let scalar) = content { return scalar.value }
    return nil
  }
}

extension String {
  fileprivate var trimmingSpaces: Substring {
    drop { $0 == " " || $0 == "\t" }
  }
}
