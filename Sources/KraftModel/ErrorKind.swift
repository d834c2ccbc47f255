/// What went wrong, coarsely: the commands layer maps each kind to one exit status
/// (`ExitStatus.swift` in KraftCommands), so scripts can tell a bad Kraftfile from a failed
/// compile without parsing messages.
public enum ErrorKind: String, Sendable, Hashable, Codable {
  /// Bad command-line use.
  case usage
  /// A Kraftfile, manifest, recipe or lockfile is invalid.
  case invalidInput
  /// A needed file (the Kraftfile, an image) does not exist.
  case missingInput
  /// A tool (compiler, QEMU, ninja) is not installed.
  case missingTool
  /// Fetching a source failed (network, mirror, offline cache miss).
  case fetchFailed
  /// A fetched source does not match its pin, or a release does not reproduce.
  case verificationFailed
  /// Compiling or linking failed.
  case buildFailed
  /// An output could not be written or removed (a full disk, a read-only folder).
  case outputFailed
  /// The unikernel crashed or could not be booted.
  case runFailed
  /// A bug in kraft itself.
  case `internal`
}

/// An error kraft reports to the user: a kind for the exit status and a message that says
/// what to do about it.
public protocol KraftError: Error {
  var kind: ErrorKind { get }
  /// Lower-case, names in single quotes; may span lines (the first is the summary).
  var message: String { get }
}

extension Diagnostics: KraftError {
  public var kind: ErrorKind { .invalidInput }
  public var message: String { items.map(\.message).joined(separator: "\n") }
}
