import KraftModel

/// A release build or verification cannot go on, or a release did not reproduce.
public struct ReleaseError: KraftError, Equatable {
  public var kind: ErrorKind
  public var message: String

  public init(_ kind: ErrorKind, _ message: String) {
    self.kind = kind
    self.message = message
  }
}
