import KraftModel

/// A source ready to build: the verified (and patched) tree in the cache, which the build
/// must treat as read-only, and the lockfile entry describing it.
public struct PreparedSource: Hashable, Sendable {
  public var name: String
  /// Absolute path of the tree in the cache.
  public var directory: String
  public var lockEntry: LockfileEntry
  /// False when everything came from the cache (nothing was downloaded or fetched).
  public var downloaded: Bool
  /// True when a cache entry was found changed on disk and made again from verified inputs.
  public var repaired: Bool
  /// The host tools (and versions) that ran the port's `prepare:` step; empty without one.
  public var tools: [PreparedTool]

  public init(
    name: String, directory: String, lockEntry: LockfileEntry, downloaded: Bool,
    repaired: Bool = false, tools: [PreparedTool] = []
  ) {
    self.tools = tools
    self.name = name
    self.directory = directory
    self.lockEntry = lockEntry
    self.downloaded = downloaded
    self.repaired = repaired
  }
}
