import Foundation
import KraftBasics
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
    if let text = try readConfig(path) {
      rules += try parseFile(text, file: path)
    }
    return MirrorTable(rules: rules)
  }

  /// The mirrors file's text, nil when there is none. Anything but a regular file there (a
  /// folder, a FIFO that would block the read) is an error naming it.
  static func readConfig(_ path: String) throws -> String? {
    do {
      return try RegularFile.text(path)
    } catch RegularFile.Problem.missing {
      return nil
    } catch let problem as RegularFile.Problem {
      let what: String
      switch problem {
      case .isFolder: what = "is a folder"
      case .notRegular(let kind): what = "is \(kind)"
      case .unreadable(let reason): what = "cannot be read (\(reason))"
      case .missing, .changed: what = "changed while it was read"
      }
      throw FetchError(
        .invalidInput,
        "the mirrors file '\(path)' \(what); it must be a YAML file (see docs/ports.md): "
          + "replace or remove it")
    }
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
