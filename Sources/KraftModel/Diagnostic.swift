/// A problem found in user input (a Kraftfile, a manifest, a patch), reported like a
/// compiler does: `Kraftfile:14:3: error: unknown architecture 'x86-64'; did you mean 'x86_64'?`
public struct Diagnostic: Hashable, Sendable, Codable, Error {
  public enum Severity: String, Hashable, Sendable, Codable {
    case error, warning, note
  }

  public var severity: Severity
  /// Lower-case, names in single quotes, no trailing period.
  public var message: String
  public var location: SourceLocation?
  /// Extra lines printed under the caret (`note: 'CONFIG_X' was set here`).
  public var notes: [Diagnostic]

  public init(
    _ severity: Severity = .error, _ message: String, at location: SourceLocation? = nil,
    notes: [Diagnostic] = []
  ) {
    self.severity = severity
    self.message = message
    self.location = location
    self.notes = notes
  }

  /// An error: the common case, `Diagnostic("unknown key 'x'", at: location)`.
  public init(_ message: String, at location: SourceLocation? = nil, notes: [Diagnostic] = []) {
    self.init(.error, message, at: location, notes: notes)
  }
}

/// One or more diagnostics thrown together: parsing throws one, validation throws all it found.
public struct Diagnostics: Error, Hashable, Sendable {
  public var items: [Diagnostic]
  public init(_ items: [Diagnostic]) { self.items = items }
}
