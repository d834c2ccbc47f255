import KraftModel

/// Typed reads with errors that say what was expected where: "expected a string for 'name'
/// but found a list". `what` names the value in the message: usually the key it sits under.
extension YAMLNode {
  /// A string or a number: what most text-valued keys accept (`version: 0.17`, `PORT: 8080`).
  public var isText: Bool { scalarKind == .string || scalarKind == .number }

  /// Any scalar except null, as text.
  public func string(for what: String) throws -> String {
    guard let scalar, !scalar.isNull else { throw mismatch("a string", for: what) }
    return scalar.value
  }

  /// A scalar that is not null, returned with its quoting so callers can tell `'y'` from `y`.
  public func scalar(for what: String) throws -> YAMLScalar {
    guard let scalar, !scalar.isNull else { throw mismatch("a value", for: what) }
    return scalar
  }

  public func bool(for what: String) throws -> Bool {
    guard let value = scalar?.bool else { throw mismatch("'true' or 'false'", for: what) }
    return value
  }

  public func int(for what: String) throws -> Int {
    guard let value = scalar?.int else { throw mismatch("a whole number", for: what) }
    return value
  }

  public func sequence(for what: String) throws -> [YAMLNode] {
    guard case .sequence(let items) = content else { throw mismatch("a list", for: what) }
    return items
  }

  public func mapping(for what: String) throws -> YAMLMapping {
    guard case .mapping(let pairs) = content else { throw mismatch("a map", for: what) }
    return YAMLMapping(pairs: pairs, location: location)
  }

  /// A list of strings; a single string is accepted as a list of one when `allowSingle`.
  public func strings(for what: String, allowSingle: Bool = false) throws -> [String] {
    if allowSingle, let scalar, !scalar.isNull { return [scalar.value] }
    guard case .sequence(let items) = content else {
      throw mismatch(allowSingle ? "a string or a list of strings" : "a list of strings", for: what)
    }
    return try items.map { try $0.string(for: what) }
  }

  /// "expected \(expected) for 'what' but found a list", at this node.
  public func mismatch(_ expected: String, for what: String) -> Diagnostics {
    error("expected \(expected) for '\(what)' but found \(kindDescription)")
  }

  /// One error at this node, ready to throw.
  public func error(_ message: String, notes: [Diagnostic] = []) -> Diagnostics {
    Diagnostics([Diagnostic(message, at: location, notes: notes)])
  }
}
