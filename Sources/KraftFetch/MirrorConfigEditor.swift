import Foundation
import KraftManifest

/// Adds a rule to the mirrors file (`~/.config/kraft/mirrors.yaml`, see `MirrorConfig`) as
/// text, so the user's comments and rules stay as they were; the result is parsed again and
/// must read back as the old rules plus the new one.
public enum MirrorConfigEditor {
  /// The file's new text with `prefix` mapped to `url`, or nil when that rule is already
  /// there. `text` is nil when the file does not exist yet.
  public static func adding(prefix: String, url: String, to text: String?, file: String) throws
    -> String?
  {
    let item = [
      "- prefix: \(YAMLQuoting.singleQuoted(prefix))", "  url: \(YAMLQuoting.singleQuoted(url))",
    ]
    let existing = try text.map { try MirrorConfig.parseFile($0, file: file) } ?? []
    if let rule = existing.first(where: { $0.prefix == prefix }) {
      if rule.replacement == url { return nil }
      throw FetchError(
        .usage,
        "'\(file)' already maps '\(prefix)' to '\(rule.replacement)'; remove that rule to mirror it as '\(url)'"
      )
    }
    var lines = (text ?? "").split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    while lines.last == "" { lines.removeLast() }
    let header = lines.firstIndex { $0.hasPrefix("mirrors:") }
    if let header {
      // `mirrors: []` (or `mirrors:` with nothing after) becomes a block sequence.
      let value =
        lines[header].dropFirst("mirrors:".count).split(separator: "#").first?
        .trimmingCharacters(in: .whitespaces) ?? ""
      if value == "[]" {
        lines[header] = "mirrors:"
      } else if !value.isEmpty {
        throw FetchError(
          .usage,
          "'\(file)' writes its mirrors in a form kraft does not edit; add this rule by hand:\n  \(item.joined(separator: "\n  "))"
        )
      }
    } else {
      lines.append("mirrors:")
    }
    let indent =
      lines.first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("- ") }
      .map { String($0.prefix { $0 == " " }) } ?? "  "
    lines += item.map { indent + $0 }
    let result = lines.joined(separator: "\n") + "\n"
    let reread = try MirrorConfig.parseFile(result, file: file)
    guard reread == existing + [MirrorTable.Rule(prefix: prefix, replacement: url)] else {
      throw FetchError(
        .usage,
        "cannot add a rule to '\(file)' without changing its other rules; add this rule by hand:\n  \(item.joined(separator: "\n  "))"
      )
    }
    return result
  }

}
