/// Bounds on what a YAML document may cost to read. Kraftfiles and manifests come from
/// projects and ports kraft does not control, so a hostile file (an alias "billion laughs"
/// bomb, thousands of nested brackets, a multi-gigabyte file) must be refused with a
/// diagnostic instead of exhausting memory or the stack.
public struct YAMLLimits: Hashable, Sendable {
  /// The largest document accepted, in bytes of UTF-8.
  public var maxBytes: Int
  /// The deepest nesting of lists and maps.
  public var maxDepth: Int
  /// How many `*alias` references a document may contain.
  public var maxAliases: Int
  /// How many nodes aliases may add to the document when expanded: this is what stops alias
  /// bombs, whose few bytes expand exponentially. Nodes written out are bounded by `maxBytes`.
  public var maxExpandedNodes: Int

  public init(maxBytes: Int, maxDepth: Int, maxAliases: Int, maxExpandedNodes: Int) {
    self.maxBytes = maxBytes
    self.maxDepth = maxDepth
    self.maxAliases = maxAliases
    self.maxExpandedNodes = maxExpandedNodes
  }

  /// Generous for any hand-written Kraftfile or manifest (the largest real ones are a few
  /// kilobytes), small enough that reading one never takes noticeable time or memory: a
  /// 1 MiB document holds at most about 500,000 nodes written out (`[a,a,...]`), and every
  /// reader walks what aliases add as if it were written out.
  public static let `default` = YAMLLimits(
    maxBytes: 1 << 20, maxDepth: 64, maxAliases: 1_000, maxExpandedNodes: 100_000)
}

extension YAMLLimits {
  /// The error for a document over `maxBytes`, whether found by its size on disk (before
  /// reading it) or by the length of its text.
  public func oversizeMessage(file: String, bytes: Int) -> String {
    "'\(file)' is \(bytes) bytes, more than the \(maxBytes) kraft reads; "
      + "is this really a YAML manifest?"
  }
}
