import KraftModel

/// One node of a YAML document, with the position it was written at. kraft composes YAML into
/// these trees (never into `[String: Any]`) so that every error can name a line and column.
///
/// Usage, for any YAML format (Kraftfile, `library.yaml`, `port.yaml`, lockfile):
///
/// ```swift
/// let root = try YAMLComposer.compose(text, file: "library.yaml")   // throws Diagnostics
/// let map = try root.mapping(of: "the manifest")                     // "expected a map ..."
/// try map.checkKeys(allowed: ["name", "sources", "options"], in: "the manifest")
/// let name = try map.requiredString("name")                         // "... is missing 'name'"
/// for source in try map.optionalSequence("sources") ?? [] {
///   let path = try source.string(for: "sources")
///   print(path, source.location)                                    // library.yaml:4:5
/// }
/// ```
///
/// Every accessor throws `Diagnostics` holding one error at the offending node, so a decoder
/// may stop at the first structural error, or catch and collect while it carries on.
public struct YAMLNode: Hashable, Sendable {
  public enum Content: Hashable, Sendable {
    case scalar(YAMLScalar)
    case sequence([YAMLNode])
    /// Key/value pairs in the order written; duplicate keys are refused while composing,
    /// except in maps the caller lets repeat them (Kraftfile `kconfig:` blocks).
    case mapping([YAMLPair])
  }

  public var content: Content
  /// Where the node starts (for a quoted scalar, its opening quote).
  public var location: SourceLocation
  /// An explicit tag (`!!str`, `!custom`), nil when none was written.
  public var tag: String?

  public init(_ content: Content, at location: SourceLocation, tag: String? = nil) {
    self.content = content
    self.location = location
    self.tag = tag
  }
}

/// A scalar's text exactly as parsed (libyaml resolves no types), and how it was written.
public struct YAMLScalar: Hashable, Sendable {
  public enum Style: String, Hashable, Sendable {
    case plain, singleQuoted, doubleQuoted, literal, folded
  }

  public var value: String
  public var style: Style

  public init(_ value: String, style: Style = .plain) {
    self.value = value
    self.style = style
  }

  /// Quoted or block scalars are always strings; only plain ones may be null, bool or number.
  public var isQuoted: Bool { style != .plain }

  /// YAML 1.2 core schema null: an empty plain scalar, `~`, `null`, `Null`, `NULL`.
  public var isNull: Bool {
    !isQuoted && ["", "~", "null", "Null", "NULL"].contains(value)
  }

  /// YAML 1.2 core schema booleans (not YAML 1.1's `yes`/`on`: those stay strings).
  public var bool: Bool? {
    guard !isQuoted else { return nil }
    switch value {
    case "true", "True", "TRUE": return true
    case "false", "False", "FALSE": return false
    default: return nil
    }
  }

  public enum Kind: Hashable, Sendable {
    case null, bool, number, string
  }

  public var kind: Kind {
    if isNull { return .null }
    if bool != nil { return .bool }
    if number != nil { return .number }
    return .string
  }

  /// A decimal integer written plainly.
  public var int: Int? { isQuoted ? nil : Int(value) }

  /// A plain decimal number by the YAML 1.2 core schema (`42`, `-1.5`, `.5`, `1e3`); hex,
  /// octal, `.inf` and `.nan` are left as strings since no kraft format uses them.
  public var number: Double? {
    guard !isQuoted, YAMLScalar.looksDecimal(value) else { return nil }
    return Double(value.hasPrefix(".") ? "0" + value : value)
  }

  /// By bytes: this runs on every plain scalar, and walking `Character`s made it the largest
  /// cost of reading a long list.
  private static func looksDecimal(_ text: String) -> Bool {
    var bytes = text.utf8[...]
    func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
    func dropSign() {
      if let first = bytes.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
        bytes = bytes.dropFirst()
      }
    }
    dropSign()
    // The mantissa: digits with at most one '.', at least one digit (`1.`, `.5`, `42`).
    var digits = 0
    var dots = 0
    while let byte = bytes.first, isDigit(byte) || byte == UInt8(ascii: ".") {
      if byte == UInt8(ascii: ".") { dots += 1 } else { digits += 1 }
      bytes = bytes.dropFirst()
    }
    guard digits > 0, dots <= 1 else { return false }
    guard let marker = bytes.first else { return true }
    guard marker == UInt8(ascii: "e") || marker == UInt8(ascii: "E") else { return false }
    bytes = bytes.dropFirst()
    dropSign()
    return !bytes.isEmpty && bytes.allSatisfy(isDigit)
  }
}

public struct YAMLPair: Hashable, Sendable {
  public var key: YAMLNode
  public var value: YAMLNode

  public init(key: YAMLNode, value: YAMLNode) {
    self.key = key
    self.value = value
  }
}

extension YAMLNode {
  public var scalar: YAMLScalar? {
    if case .scalar(let scalar) = content { return scalar }
    return nil
  }

  public var isNull: Bool { scalar?.isNull ?? false }

  /// What a scalar resolves to by the YAML 1.2 core schema; nil for lists and maps.
  /// An explicit `!!str` tag makes any scalar a string.
  public var scalarKind: YAMLScalar.Kind? {
    guard let scalar else { return nil }
    if tag == "tag:yaml.org,2002:str" { return .string }
    return scalar.kind
  }

  /// "a string", "a list", "a map", "nothing": used in "expected X but found Y" messages.
  public var kindDescription: String {
    switch content {
    case .scalar:
      switch scalarKind! {
      case .null: return "nothing"
      case .bool: return "a boolean"
      case .number: return "a number"
      case .string: return "a string"
      }
    case .sequence: return "a list"
    case .mapping: return "a map"
    }
  }

  /// The node as JSON text (keys in written order), for values kept verbatim such as
  /// Kraftfile `x-*` extensions. Plain scalars become null, booleans or numbers by the YAML 1.2
  /// core schema, everything else a string.
  public var jsonText: String {
    switch content {
    case .scalar(let scalar):
      switch scalarKind! {
      case .null: return "null"
      case .bool: return scalar.bool! ? "true" : "false"
      case .number:
        if let int = scalar.int { return String(int) }
        if let number = scalar.number, number.isFinite { return "\(number)" }
      case .string: break
      }
      return JSONString.quoted(scalar.value)
    case .sequence(let items):
      return "[" + items.map(\.jsonText).joined(separator: ",") + "]"
    case .mapping(let pairs):
      let members = pairs.map { pair in
        JSONString.quoted(pair.key.scalar?.value ?? pair.key.jsonText) + ":" + pair.value.jsonText
      }
      return "{" + members.joined(separator: ",") + "}"
    }
  }
}
