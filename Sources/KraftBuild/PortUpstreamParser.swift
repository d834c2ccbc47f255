import KraftManifest
import KraftModel

/// Reads the `upstream:` section of a `port.yaml` (format: docs/porting.md):
///
/// ```yaml
/// upstream:
///   default: 3.0.20
///   versions:
///     3.0.20:
///       archive: https://.../openssl-3.0.20.tar.gz
///       sha256: c80a01df...          # of the archive's bytes
///       git: https://github.com/openssl/openssl.git
///       tag: openssl-3.0.20          # or branch: / ref:
///       commit: 5aada9c2...          # what the tag must resolve to
///       tree: sha256:...             # the extracted tree (docs/ports.md)
///       debian: {package: openssl, version: 3.0.20-1~deb12u2, orig: openssl_3.0.20.orig.tar.gz}
/// ```
///
/// Kept beside `PortDescription` so `kraft port` can read recipes; the fetch layer's own
/// recipe parser, once it exists, should replace this one.
public enum PortUpstreamParser {
  static let sectionKeys = ["default", "versions"]
  static let versionKeys = [
    "archive", "sha256", "git", "tag", "branch", "ref", "commit", "tree", "debian",
  ]
  static let debianKeys = ["package", "version", "orig"]

  public static func parse(_ node: YAMLNode) throws -> Upstream {
    let map = try node.mapping(for: "upstream")
    try map.checkKeys(allowed: sectionKeys, in: "'upstream'")
    let versionsNode = try map.required("versions", in: "'upstream'")
    let versionsMap = try versionsNode.mapping(for: "versions")
    var versions: [UpstreamVersion] = []
    for pair in versionsMap.pairs {
      let name = try pair.key.string(for: "a version")
      versions.append(try version(name, pair.value))
    }
    guard !versions.isEmpty else { throw versionsNode.error("'versions' names no version") }
    let defaultVersion = try map.optionalString("default") ?? versions.last!.version
    guard versions.contains(where: { $0.version == defaultVersion }) else {
      throw (map["default"] ?? node).error(
        "default version '\(defaultVersion)' is not among 'versions'"
          + Suggestion.hint(for: defaultVersion, in: versions.map(\.version)))
    }
    return Upstream(defaultVersion: defaultVersion, versions: versions)
  }

  private static func version(_ name: String, _ node: YAMLNode) throws -> UpstreamVersion {
    let map = try node.mapping(for: "version '\(name)'")
    try map.checkKeys(allowed: versionKeys, in: "version '\(name)'")
    var git: UpstreamGit?
    if let url = try map.optionalString("git") {
      var ref: GitReference?
      if let tag = try map.optionalString("tag") { ref = .tag(tag) }
      if let branch = try map.optionalString("branch") { ref = .branch(branch) }
      if let other = try map.optionalString("ref") { ref = .ref(other) }
      git = UpstreamGit(url: url, ref: ref)
    }
    let archive = try map.optionalString("archive")
    if archive == nil && git == nil {
      throw node.error("version '\(name)' needs 'archive' or 'git' (or both)")
    }
    let pin = UpstreamPin(
      archiveSHA256: try map.optionalString("sha256"), commit: try map.optionalString("commit"),
      treeHash: try map.optionalString("tree"))
    if pin.isEmpty {
      throw node.error(
        "version '\(name)' is not pinned; add 'sha256', 'commit' or 'tree' "
          + "('kraft port new' fills them in from the fetched source)")
    }
    var debian: UpstreamDebianSource?
    if let debianMap = try map.optionalMapping("debian") {
      try debianMap.checkKeys(allowed: debianKeys, in: "'debian'")
      debian = UpstreamDebianSource(
        package: try debianMap.requiredString("package", in: "'debian'"),
        version: try debianMap.requiredString("version", in: "'debian'"),
        orig: try debianMap.requiredString("orig", in: "'debian'"))
    }
    return UpstreamVersion(
      version: name, archive: archive, git: git, pin: pin, debian: debian,
      location: node.location)
  }
}
