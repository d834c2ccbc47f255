import KraftModel

/// Everything that can go wrong while bringing a source onto the machine. Messages follow
/// the house style: lower-case, names in quotes, and what to do about it.
public struct FetchError: KraftError, Equatable, CustomStringConvertible {
  public var kind: ErrorKind
  public var message: String

  public init(_ kind: ErrorKind, _ message: String) {
    self.kind = kind
    self.message = message
  }

  public var description: String { message }

  static func failed(_ message: String) -> FetchError { FetchError(.fetchFailed, message) }

  /// A pin did not match: both hashes are printed so the user can tell which side changed.
  static func mismatch(what: String, source: String, expected: String, actual: String)
    -> FetchError
  {
    FetchError(
      .verificationFailed,
      """
      \(what) of '\(source)' does not match its pin
        expected: \(expected)
        actual:   \(actual)
      nothing was added to the cache; if upstream really changed, update the pin in the port \
      recipe (or run 'kraft lock --update')
      """)
  }

  static func offlineMissing(_ what: String, source: String) -> FetchError {
    FetchError(
      .fetchFailed,
      "offline: \(what) of '\(source)' is not in the cache; run 'kraft fetch' once while online "
        + "(or set 'KRAFT_MIRRORS' to a local mirror)")
  }
}
