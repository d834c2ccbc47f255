/// The hashes that pin one upstream source: what a port recipe promises and what the lockfile
/// records. A fetch is accepted only when every pin it has matches.
public struct UpstreamPin: Hashable, Sendable, Codable {
  /// sha256 of the release archive's bytes, lower-case hex.
  public var archiveSHA256: String?
  /// The git commit id (40 hex digits).
  public var commit: String?
  /// Content hash of the extracted tree (`sha256:<hex>`, see docs/ports.md), independent of
  /// how it was fetched: a git checkout and the release archive of the same files agree.
  public var treeHash: String?
  /// Tree hash of the port's prepared layer (the patched tree plus what its `prepare:` step
  /// kept); only for ports with such a step. It pins the host tools' output, not the upstream.
  public var preparedTree: String?

  public init(
    archiveSHA256: String? = nil, commit: String? = nil, treeHash: String? = nil,
    preparedTree: String? = nil
  ) {
    self.archiveSHA256 = archiveSHA256
    self.commit = commit
    self.treeHash = treeHash
    self.preparedTree = preparedTree
  }

  /// True when nothing upstream is pinned: such a source is used only when the user asks
  /// explicitly. (`preparedTree` pins generated files, not the upstream.)
  public var isEmpty: Bool { archiveSHA256 == nil && commit == nil && treeHash == nil }
}
