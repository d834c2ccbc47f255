import KraftModel

/// Reads the fetch layer's part of a `port.yaml`: `name` and the `upstream:` section (format
/// in docs/ports.md). The other keys are the library-manifest parser's; they are left alone
/// here, so this parser never rejects a key that belongs to the build.
///
/// ```yaml
/// upstream:
///   default: 1.2.3
///   versions:
///     1.2.3:
///       archive: https://musl.libc.org/releases/musl-1.2.3.tar.gz
///       sha256: 7d5b0b60...                # of the archive's bytes
///       git: https://git.musl-libc.org/git/musl
///       tag: v1.2.3                        # or branch: / ref:
///       commit: 0123abcd...                # what the tag must resolve to
///       tree: sha256:cda3fff4...           # the fetched tree (docs/ports.md)
///       debian: {package: musl, version: 1.2.3-1, orig: musl_1.2.3.orig.tar.gz}
/// ```
public enum PortRecipeParser {
  static let upstreamKeys = ["default", "versions"]
  static let versionKeys = [
    "archive", "sha256", "git", "tag", "branch", "ref", "commit", "tree", "debian",
  ]
  static let debianKeys = ["package", "version", "orig"]

  /// Parses `<directory>/port.yaml`'s text.
  public static func parse(_ text: String, file: String, directory: String) throws -> PortRecipe {
    let root = try YAMLComposer.compose(text, file: file)
    let map = try root.mapping(for: "the port recipe")
    let name = try map.requiredString("name", in: "the port recipe")
    let upstream = try parseUpstream(try map.required("upstream", in: "the port recipe"))
    return PortRecipe(name: name, directory: directory, upstream: upstream)
  }

  public static func parseUpstream(_ node: YAMLNode) throws -> Upstream {
    let map = try node.mapping(for: "'upstream'")
    try map.checkKeys(allowed: upstreamKeys, in: "'upstream'")
    let versionsNode = try map.required("versions", in: "'upstream'")
    var versions: [UpstreamVersion] = []
    for pair in try versionsNode.mapping(for: "'versions'").pairs {
      versions.append(try parseVersion(try pair.key.string(for: "a version"), pair.value))
    }
    guard let last = versions.last else {
      throw versionsNode.error("'versions' lists no version; add one with its pins")
    }
    let defaultVersion = try map.optionalString("default") ?? last.version
    guard versions.contains(where: { $0.version == defaultVersion }) else {
      let known = versions.map { "'\($0.version)'" }.joined(separator: ", ")
      throw (map["default"] ?? node).error(
        "default version '\(defaultVersion)' is not among 'versions' (\(known))")
    }
    return Upstream(defaultVersion: defaultVersion, versions: versions)
  }

  private static func parseVersion(_ name: String, _ node: YAMLNode) throws -> UpstreamVersion {
    let context = "version '\(name)'"
    let map = try node.mapping(for: context)
    try map.checkKeys(allowed: versionKeys, in: context)
    var git: UpstreamGit?
    if let url = try map.optionalString("git") {
      let refs: [GitReference] = [
        try map.optionalString("tag").map(GitReference.tag),
        try map.optionalString("branch").map(GitReference.branch),
        try map.optionalString("ref").map(GitReference.ref),
      ].compactMap { $0 }
      guard refs.count <= 1 else {
        throw node.error("\(context) names more than one of 'tag', 'branch' and 'ref'; keep one")
      }
      git = UpstreamGit(url: url, ref: refs.first)
    }
    let archive = try map.optionalString("archive")
    guard archive != nil || git != nil else {
      throw node.error("\(context) needs 'archive' or 'git' (or both)")
    }
    let pin = UpstreamPin(
      archiveSHA256: try hex(map, "sha256", length: 64),
      commit: try hex(map, "commit", length: 40), treeHash: try map.optionalString("tree"))
    if let tree = pin.treeHash, !(tree.hasPrefix("sha256:") && tree.count == 71) {
      throw (map["tree"] ?? node).error(
        "'tree' must be 'sha256:' and 64 hex digits, as 'kraft lock' prints it")
    }
    guard !pin.isEmpty else {
      throw node.error("\(context) is not pinned; add 'sha256', 'commit' or 'tree'")
    }
    var debian: UpstreamDebianSource?
    if let fields = try map.optionalMapping("debian") {
      try fields.checkKeys(allowed: debianKeys, in: "'debian'")
      debian = UpstreamDebianSource(
        package: try fields.requiredString("package", in: "'debian'"),
        version: try fields.requiredString("version", in: "'debian'"),
        orig: try fields.requiredString("orig", in: "'debian'"))
    }
    return UpstreamVersion(
      version: name, archive: archive, git: git, pin: pin, debian: debian,
      location: node.location)
  }

  private static func hex(_ map: YAMLMapping, _ key: String, length: Int) throws -> String? {
    guard let value = try map.optionalString(key) else { return nil }
    guard value.count == length, value.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else {
      throw (map[key] ?? YAMLNode(.scalar(YAMLScalar(value)), at: map.location)).error(
        "'\(key)' must be \(length) lower-case hex digits")
    }
    return value
  }
}
