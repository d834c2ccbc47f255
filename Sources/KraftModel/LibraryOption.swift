/// An option a library offers (`options:` in its manifest), set from a Kraftfile's `kconfig:`.
public struct LibraryOption: Hashable, Sendable, Codable {
  public enum Kind: String, Hashable, Sendable, Codable, CaseIterable {
    case bool, int, string, choice
  }

  /// `CONFIG_...`.
  public var name: String
  public var kind: Kind
  /// nil only for strings and ints without a default (then undefined unless set).
  public var defaultValue: OptionValue?
  /// int only.
  public var range: ClosedRange<Int>?
  /// choice only, in the order written.
  public var choices: [String]
  public var help: String?
  /// Bool options that must all be y for this one to be available.
  public var dependsOn: [String]
  /// The library declaring it (filled in by the parser).
  public var library: String
  public var location: SourceLocation?

  public init(
    name: String, kind: Kind, defaultValue: OptionValue? = nil, range: ClosedRange<Int>? = nil,
    choices: [String] = [], help: String? = nil, dependsOn: [String] = [], library: String = "",
    location: SourceLocation? = nil
  ) {
    self.name = name
    self.kind = kind
    self.defaultValue = defaultValue
    self.range = range
    self.choices = choices
    self.help = help
    self.dependsOn = dependsOn
    self.library = library
    self.location = location
  }

  /// `CONFIG_` followed by upper-case letters, digits and `_`.
  public static func isValidName(_ name: String) -> Bool {
    guard name.hasPrefix("CONFIG_"), name.count > 7 else { return false }
    return name.utf8.allSatisfy {
      ($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z"))
        || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: "_")
    }
  }

  /// Types a value as written in a Kraftfile or manifest (`y`, `42`, `"text"`, `info`).
  /// Throws a message (without location) saying what is expected.
  public func parse(_ text: String) throws(OptionValueError) -> OptionValue {
    let raw = text.trimmingSpaces
    switch kind {
    case .bool:
      switch raw.lowercased() {
      case "y", "yes", "true", "on", "1": return .bool(true)
      case "n", "no", "false", "off", "0": return .bool(false)
      default:
        throw OptionValueError("'\(name)' is a bool: use y or n, not '\(raw)'")
      }
    case .int:
      let body = raw.hasPrefix("0x") ? Int(raw.dropFirst(2), radix: 16) : Int(raw)
      guard let value = body else {
        throw OptionValueError("'\(name)' is an int: '\(raw)' is not a number")
      }
      if let range, !range.contains(value) {
        throw OptionValueError(
          "'\(name)' must be between \(range.lowerBound) and \(range.upperBound), not \(value)")
      }
      return .int(value)
    case .string:
      return .string(Self.unquote(raw))
    case .choice:
      let value = Self.unquote(raw)
      guard choices.contains(value) else {
        var message =
          "'\(value)' is not a choice of '\(name)'; use one of \(choices.map { "'\($0)'" }.joined(separator: ", "))"
        if let close = Suggestion.closest(to: value, in: choices) {
          message += " (did you mean '\(close)'?)"
        }
        throw OptionValueError(message)
      }
      return .choice(value)
    }
  }

  private static func unquote(_ text: String) -> String {
    if text.count >= 2, let first = text.first, first == text.last, first == "\"" || first == "'" {
      return String(text.dropFirst().dropLast())
    }
    return text
  }
}

/// A typed option value.
public enum OptionValue: Hashable, Sendable, Codable, CustomStringConvertible {
  case bool(Bool)
  case int(Int)
  case string(String)
  case choice(String)

  /// As a Kraftfile writes it: `y`, `n`, `42`, `text`.
  public var description: String {
    switch self {
    case .bool(let on): return on ? "y" : "n"
    case .int(let value): return String(value)
    case .string(let text), .choice(let text): return text
    }
  }

  public var isEnabled: Bool { self == .bool(true) }
}

/// A value that does not fit its option's type; the message says what would.
public struct OptionValueError: Error, Hashable, Sendable {
  public var message: String
  public init(_ message: String) { self.message = message }
}
