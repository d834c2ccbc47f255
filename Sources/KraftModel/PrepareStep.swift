/// A port's `prepare:` step: host commands that generate the configuration files upstream's
/// own build would generate (OpenSSL's `Configure`, musl's `mkalltypes.sed`), run once per
/// fetched tree in a scratch copy of the patched tree. Only `outputs` are kept; the result is
/// a cache layer of its own, pinned by the version's `prepared-tree` hash (docs/ports.md).
public struct PrepareStep: Hashable, Sendable, Codable {
  /// Host tools the commands use (`perl`, `make`, `cc`...): each must answer `--version`,
  /// whose first line is recorded and is part of the cache key.
  public var tools: [String]
  /// Values that change the generated files (OpenSSL's `no-*` list), in the order written;
  /// exported to the commands as environment variables.
  public var inputs: [Input]
  /// A POSIX shell script run with `sh -eu` in the scratch tree.
  public var run: String
  /// Globs (relative to the tree) of the files to keep besides the patched tree's own.
  public var outputs: [String]
  /// An output listing the port's sources, one tree-relative path per line; the build
  /// compiles them after the recipe's own `sources`.
  public var sourcesList: String?

  public struct Input: Hashable, Sendable, Codable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
      self.name = name
      self.value = value
    }
  }

  public init(
    tools: [String], inputs: [Input] = [], run: String, outputs: [String],
    sourcesList: String? = nil
  ) {
    self.tools = tools
    self.inputs = inputs
    self.run = run
    self.outputs = outputs
    self.sourcesList = sourcesList
  }

  /// Everything of the step that can change what it generates, as one unambiguous text (each
  /// field length-prefixed): part of the prepared layer's cache key.
  public var identity: String {
    var parts = ["kraft prepare 1"]
    parts += tools.map { "tool \($0)" }
    parts += inputs.map { "input \($0.name)=\($0.value)" }
    parts.append("run \(run)")
    parts += outputs.map { "output \($0)" }
    parts.append("sources-list \(sourcesList ?? "")")
    return parts.map { "\($0.utf8.count):\($0)\n" }.joined()
  }
}

/// A host tool as found when a port was prepared: its name and the first line of its
/// `--version` output. Recorded in release manifests and SBOMs.
public struct PreparedTool: Hashable, Sendable, Codable {
  public var name: String
  public var version: String

  public init(name: String, version: String) {
    self.name = name
    self.version = version
  }
}
