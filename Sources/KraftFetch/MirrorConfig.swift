import Foundation
import KraftManifest

/// Where mirror rules come from, in the order they are tried (the first matching prefix
/// wins): `$KRAFT_MIRRORS`, then `$XDG_CONFIG_HOME/kraft/mirrors.yaml` (or
/// `~/.config/kraft/mirrors.yaml`):
///
/// ```yaml
/// mirrors:
///   - prefix: https://musl.libc.org/releases/
///     url: file:///srv/mirror/musl.libc.org/releases/
///   - prefix: https://github.com/
///     url: http://proxy.internal/github/
/// ```
public enum MirrorConfig {
  public static func load(environment: [String: String]) throws -> MirrorTable {
    var rules = try MirrorTable.parse(environmentValue: environment["KRAFT_MIRRORS"] ?? "")
    let path = configPath(environment: environment)
    if let text = try? String(contentsOfFile: path, encoding: .utf8) {
      rules += try parseFile(text, file: path)
    }
    return MirrorTable(rules: rules)
  }

  public static func configPath(environment: [String: String]) -> String {
    if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty { return xdg + "/kraft/mirrors.yaml" }
    return (environment["HOME"] ?? NSHomeDirectory()) + "/.config/kraft/mirrors.yaml"
  }

  public static func parseFile(_ text: String, file: String) throws -> [MirrorTable.Rule] {
    let root = try YAMLComposer.compose(text, file: file)
    if root.isNull { return [] }
    let map = try root.mapping(for: "the mirrors file")
    try map.checkKeys(allowed: ["mirrors"], in: "the mirrors file")
    return try (map.optionalSequence("mirrors") ?? []).map { node in
      let rule = try node.mapping(for: "a mirror")
      try rule.checkKeys(allowed: ["prefix", "url"], in: "a mirror")
      return MirrorTable.Rule(
        prefix: try rule.requiredString("prefix", in: "a mirror"),
        replacement: MirrorTable.normalise(try rule.requiredString("url", in: "a mirror")))
    }
  }
}
