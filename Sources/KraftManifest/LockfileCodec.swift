import KraftModel

/// Reads and writes `Kraftfile.lock`. Writing is deterministic: entries sorted by name, keys
/// in one fixed order, every value double-quoted, so the same lock is the same bytes on every
/// machine and a diff shows only what changed. Reading goes through the YAML composer so a
/// damaged lockfile is reported at its line.
public enum LockfileCodec {
  public static let fileName = "Kraftfile.lock"
  static let topKeys = ["lock-version", "libraries"]
  static let entryKeys = ["version", "kind", "url", "sha256", "commit", "tree", "patches", "prepared-tree"]

  public static func encode(_ lock: Lockfile) -> String {
    var lines = [
      "# Kraftfile.lock: the exact upstream sources of this project's libraries.",
      "# Written by kraft; do not edit. 'kraft lock --update [NAME]' refreshes it.",
      "lock-version: \(Lockfile.formatVersion)",
    ]
    if lock.entries.isEmpty {
      lines.append("libraries: {}")
    } else {
      lines.append("libraries:")
    }
    for entry in lock.entries.sorted(by: { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }) {
      lines.append("  \(quoted(entry.name)):")
      var fields: [(String, String?)] = [
        ("version", entry.version), ("kind", entry.kind.rawValue), ("url", entry.url),
        ("sha256", entry.pin.archiveSHA256), ("commit", entry.pin.commit),
        ("tree", entry.pin.treeHash), ("patches", entry.patchSetHash),
        ("prepared-tree", entry.pin.preparedTree),
      ]
      fields.removeAll { $0.1 == nil }
      for (key, value) in fields { lines.append("    \(key): \(quoted(value!))") }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  public static func decode(_ text: String, file: String) throws -> Lockfile {
    let root = try YAMLComposer.compose(text, file: file)
    let map = try root.mapping(for: "the lockfile")
    try map.checkKeys(allowed: topKeys, in: "the lockfile")
    let versionNode = try map.required("lock-version", in: "the lockfile")
    let version = try versionNode.int(for: "'lock-version'")
    guard version == Lockfile.formatVersion else {
      throw versionNode.error(
        "lock-version \(version) is not supported (this kraft writes \(Lockfile.formatVersion)); "
          + "run 'kraft lock --update' to rewrite the lockfile")
    }
    var entries: [LockfileEntry] = []
    for pair in try map.optionalMapping("libraries")?.pairs ?? [] {
      let name = try pair.key.string(for: "a library name")
      let fields = try pair.value.mapping(for: "library '\(name)'")
      try fields.checkKeys(allowed: entryKeys, in: "library '\(name)'")
      let kindNode = try fields.required("kind", in: "library '\(name)'")
      let kindText = try kindNode.string(for: "'kind'")
      guard let kind = LockfileEntry.Kind(rawValue: kindText) else {
        throw kindNode.error("unknown kind '\(kindText)'; expected 'archive' or 'git'")
      }
      let pin = UpstreamPin(
        archiveSHA256: try fields.optionalString("sha256"),
        commit: try fields.optionalString("commit"), treeHash: try fields.optionalString("tree"),
        preparedTree: try fields.optionalString("prepared-tree"))
      guard pin.treeHash != nil else {
        throw pair.value.error(
          "library '\(name)' has no 'tree' hash; run 'kraft lock --update \(name)'")
      }
      entries.append(
        LockfileEntry(
          name: name, version: try fields.requiredString("version", in: "library '\(name)'"),
          kind: kind, url: try fields.requiredString("url", in: "library '\(name)'"), pin: pin,
          patchSetHash: try fields.optionalString("patches")))
    }
    return Lockfile(entries: entries)
  }

  /// JSON-style double quotes: valid YAML for any text, one form for every value.
  static func quoted(_ text: String) -> String { JSONString.quoted(text) }
}
