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
///       prepared-tree: sha256:...          # with a `prepare:` step: its output
/// prepare:                                 # optional (PrepareStep)
///   tools: [perl, make]
///   inputs: {CONFIGURE_OPTIONS: no-asm no-shared}
///   run: ./Configure $CONFIGURE_OPTIONS && make build_generated
///   outputs: [include/openssl/*.h]
///   sources-list: kraft-sources.txt
/// ```
public enum PortRecipeParser {
  static let upstreamKeys = ["default", "versions"]
  static let versionKeys = [
    "archive", "sha256", "git", "tag", "branch", "ref", "commit", "tree", "debian",
    "prepared-tree",
  ]
  static let prepareKeys = ["tools", "inputs", "run", "outputs", "sources-list"]
  static let debianKeys = ["package", "version", "file", "orig"]

  /// Parses `<directory>/port.yaml`'s text.
  public static func parse(_ text: String, file: String, directory: String) throws -> PortRecipe {
    let root = try YAMLComposer.compose(text, file: file)
    let map = try root.mapping(for: "the port recipe")
    let name = try map.requiredString("name", in: "the port recipe")
    let upstream = try parseUpstream(try map.required("upstream", in: "the port recipe"))
    let prepare = try map.optional("prepare").map(parsePrepare)
    if prepare == nil, let pinned = upstream.versions.first(where: { $0.pin.preparedTree != nil }) {
      throw (map["upstream"] ?? root).error(
        "version '\(pinned.version)' pins 'prepared-tree' but the recipe has no 'prepare:' step; "
          + "remove the pin or add the step")
    }
    return PortRecipe(name: name, directory: directory, upstream: upstream, prepare: prepare)
  }

  public static func parsePrepare(_ node: YAMLNode) throws -> PrepareStep {
    let map = try node.mapping(for: "'prepare'")
    try map.checkKeys(allowed: prepareKeys, in: "'prepare'")
    let tools = try map.optionalStrings("tools") ?? []
    for tool in tools where tool.isEmpty || tool.contains("/") || tool.contains(" ") {
      throw (map["tools"] ?? node).error(
        "'prepare' tool '\(tool)' must be a program name looked up on PATH (no folder, no spaces)")
    }
    var inputs: [PrepareStep.Input] = []
    for pair in try map.optionalMapping("inputs")?.pairs ?? [] {
      let name = try pair.key.string(for: "an input name")
      guard let first = name.first, first.isLetter || first == "_",
        name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") })
      else {
        throw pair.key.error(
          "'prepare' input '\(name)' must be a shell variable name (letters, digits, '_')")
      }
      inputs.append(PrepareStep.Input(name: name, value: try pair.value.string(for: "'\(name)'")))
    }
    let outputs = try map.optionalStrings("outputs") ?? []
    guard !outputs.isEmpty else {
      throw node.error("'prepare' keeps nothing; list the generated files under 'outputs'")
    }
    for output in outputs where output.hasPrefix("/") || output.split(separator: "/").contains("..") {
      throw (map["outputs"] ?? node).error(
        "'prepare' output '\(output)' must be a path inside the tree (no leading '/', no '..')")
    }
    return PrepareStep(
      tools: tools, inputs: inputs, run: try map.requiredString("run", in: "'prepare'"),
      outputs: outputs, sourcesList: try map.optionalString("sources-list"))
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
    let debian = try parseDebian(map)
    guard archive != nil || git != nil || debian != nil else {
      throw node.error("\(context) needs 'archive', 'git' or 'debian'")
    }
    if archive == nil && git == nil && map["sha256"] == nil {
      throw node.error(
        "\(context) comes from a Debian source package: pin its file with 'sha256'")
    }
    let pin = UpstreamPin(
      archiveSHA256: try hex(map, "sha256", length: 64),
      commit: try hex(map, "commit", length: 40), treeHash: try map.optionalString("tree"),
      preparedTree: try map.optionalString("prepared-tree"))
    for (key, value) in [("tree", pin.treeHash), ("prepared-tree", pin.preparedTree)] {
      if let value, !(value.hasPrefix("sha256:") && value.count == 71) {
        throw (map[key] ?? node).error(
          "'\(key)' must be 'sha256:' and 64 hex digits, as 'kraft lock' prints it")
      }
    }
    guard !pin.isEmpty else {
      throw node.error("\(context) is not pinned; add 'sha256', 'commit' or 'tree'")
    }
    return UpstreamVersion(
      version: name, archive: archive, git: git, pin: pin, debian: debian,
      location: node.location)
  }

  /// `debian: {package, version, file}` (`orig` is the older name of `file`).
  private static func parseDebian(_ map: YAMLMapping) throws -> UpstreamDebianSource? {
    guard let fields = try map.optionalMapping("debian") else { return nil }
    try fields.checkKeys(allowed: debianKeys, in: "'debian'")
    guard let file = try fields.optionalString("file") ?? fields.optionalString("orig") else {
      throw (map["debian"] ?? YAMLNode(.scalar(YAMLScalar("")), at: map.location)).error(
        "'debian' needs 'file': the source package's file to use (e.g. its orig tarball)")
    }
    let source = UpstreamDebianSource(
      package: try fields.requiredString("package", in: "'debian'"),
      version: try fields.requiredString("version", in: "'debian'"), orig: file)
    for part in [source.package, source.version, source.orig] where part.contains("/") {
      throw (map["debian"] ?? YAMLNode(.scalar(YAMLScalar(part)), at: map.location)).error(
        "'debian' value '\(part)' must not contain '/'")
    }
    return source
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
