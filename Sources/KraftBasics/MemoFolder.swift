import Foundation

/// A folder of memo files, one per key, each named by the key's SHA-256 (keys are paths or
/// identities, too long and too free for file names): what kraft remembers between builds in
/// its cache. A memo that cannot be read or written costs the next build the work it saves,
/// nothing else, so neither reading nor writing throws.
public struct MemoFolder: Sendable {
  public var directory: String

  public init(directory: String) {
    self.directory = directory
  }

  public func path(_ key: String) -> String {
    directory + "/" + SHA256.hex(of: key)
  }

  /// The memo's text, or nil when there is none or it cannot be read.
  public func read(_ key: String) -> String? {
    try? String(contentsOfFile: path(key), encoding: .utf8)
  }

  /// Replaces the memo whole (a reader sees the old text or the new, never part of one).
  public func write(_ text: String, for key: String) {
    try? LocalFileSystem().createDirectory(directory, exactly: 0o755)
    try? AtomicFile.replace(path(key), with: Data(text.utf8), permissions: 0o644, durable: false)
  }
}
