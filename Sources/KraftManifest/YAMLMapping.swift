import KraftModel

/// A YAML map being decoded: keys in written order, lookups by key, and the checks every
/// kraft format needs (unknown keys with suggestions, required keys, two spellings of one key).
public struct YAMLMapping: Hashable, Sendable {
  public var pairs: [YAMLPair]
  /// Where the map starts, for "missing 'x'" errors.
  public var location: SourceLocation

  public init(pairs: [YAMLPair], location: SourceLocation) {
    self.pairs = pairs
    self.location = location
  }

  public var keys: [String] { pairs.compactMap { $0.key.scalar?.value } }

  public subscript(key: String) -> YAMLNode? {
    pairs.first { $0.key.scalar?.value == key }?.value
  }

  /// The key node itself, for errors about a key rather than its value.
  public func keyNode(_ key: String) -> YAMLNode? {
    pairs.first { $0.key.scalar?.value == key }?.key
  }

  /// Errors for every key not in `allowed` (and not accepted by `alsoAllow`), each with a
  /// suggestion, e.g. "unknown key 'architecure' in a target; did you mean 'architecture'?".
  /// Returned rather than thrown so that callers can report all of them at once.
  public func unknownKeys(
    allowed: [String], in context: String, alsoAllow: (String) -> Bool = { _ in false }
  ) -> [Diagnostic] {
    pairs.compactMap { pair in
      guard let key = pair.key.scalar?.value, !allowed.contains(key), !alsoAllow(key) else {
        return nil
      }
      return Diagnostic(
        "unknown key '\(key)' in \(context)" + Suggestion.hint(for: key, in: allowed),
        at: pair.key.location)
    }
  }

  /// Throws the first unknown key's error (for decoders that stop at the first problem).
  public func checkKeys(
    allowed: [String], in context: String, alsoAllow: (String) -> Bool = { _ in false }
  ) throws {
    if let first = unknownKeys(allowed: allowed, in: context, alsoAllow: alsoAllow).first {
      throw Diagnostics([first])
    }
  }

  /// The value under `key`, treating an explicit null (`key:` or `key: ~`) as absent.
  public func optional(_ key: String) -> YAMLNode? {
    guard let node = self[key], !node.isNull else { return nil }
    return node
  }

  public func required(_ key: String, in context: String) throws -> YAMLNode {
    guard let node = optional(key) else {
      throw Diagnostics([Diagnostic("\(context) is missing '\(key)'", at: location)])
    }
    return node
  }

  /// The value under whichever of two spellings is present (`platform`/`plat`); an error when
  /// both are written, since one would silently win.
  public func either(_ key: String, _ alias: String) throws -> (key: String, node: YAMLNode)? {
    let first = optional(key)
    let second = optional(alias)
    if first != nil, second != nil, let aliasKey = keyNode(alias) {
      throw Diagnostics([
        Diagnostic(
          "'\(key)' and '\(alias)' are the same setting; write only one", at: aliasKey.location,
          notes: [Diagnostic(.note, "'\(key)' is written here", at: keyNode(key)?.location)])
      ])
    }
    if let first { return (key, first) }
    if let second { return (alias, second) }
    return nil
  }

  public func requiredString(_ key: String, in context: String) throws -> String {
    try required(key, in: context).string(for: key)
  }

  public func optionalString(_ key: String) throws -> String? {
    try optional(key)?.string(for: key)
  }

  public func optionalBool(_ key: String) throws -> Bool? {
    try optional(key)?.bool(for: key)
  }

  public func optionalInt(_ key: String) throws -> Int? {
    try optional(key)?.int(for: key)
  }

  public func optionalSequence(_ key: String) throws -> [YAMLNode]? {
    try optional(key)?.sequence(for: key)
  }

  public func optionalMapping(_ key: String) throws -> YAMLMapping? {
    try optional(key)?.mapping(for: key)
  }

  public func optionalStrings(_ key: String, allowSingle: Bool = false) throws -> [String]? {
    try optional(key)?.strings(for: key, allowSingle: allowSingle)
  }
}
