import KraftModel

/// `targets:` (short form `qemu/x86_64` or a map) and every `kconfig:` block (map form
/// `CONFIG_X: 'y'` or list form `- CONFIG_X=y`).
extension KraftfileDecoder {
  static let targetKeys = ["platform", "plat", "architecture", "arch", "name", "kconfig"]
  static let linuxUserPlatform = "linuxu"

  mutating func targets(_ node: YAMLNode) throws -> [Target] {
    try node.sequence(for: "targets").compactMap { try target($0) }
  }

  /// nil when the target was reported as wrong (the problem is recorded).
  private mutating func target(_ node: YAMLNode) throws -> Target? {
    if case .mapping = node.content {
      let map = try node.mapping(for: "targets")
      report(map.unknownKeys(allowed: Self.targetKeys, in: "a target"))
      let platformEntry = try map.either("platform", "plat")
      let architectureEntry = try map.either("architecture", "arch")
      guard let platformEntry, let architectureEntry else {
        let missing = platformEntry == nil ? "platform" : "architecture"
        report("target is missing '\(missing)'", at: node)
        return nil
      }
      let platform = try self.platform(
        try string(platformEntry.node, for: platformEntry.key), at: platformEntry.node)
      let architecture = try self.architecture(
        try string(architectureEntry.node, for: architectureEntry.key), at: architectureEntry.node)
      let name = try map["name"].map { try self.name($0, for: "target name") }
      let kconfig = try map["kconfig"].map { try self.kconfig($0, for: "kconfig") } ?? []
      guard let platform, let architecture else { return nil }
      return Target(
        name: name, platform: platform, architecture: architecture, kconfig: kconfig,
        location: node.location)
    }
    guard node.scalarKind == .string else {
      throw node.mismatch("a target like 'qemu/x86_64' or a map", for: "targets")
    }
    let text = try string(node, for: "targets")
    let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    guard parts.count == 2 else {
      report("expected a target like 'qemu/x86_64' (platform/architecture) but found '\(text)'", at: node)
      return nil
    }
    let platform = try self.platform(parts[0], at: node)
    // Point at the architecture itself when the short form is written plainly on one line.
    var architectureNode = node
    if node.scalar?.style == .plain, text == node.scalar?.value {
      architectureNode.location.column += parts[0].count + 1
    }
    let architecture = try self.architecture(parts[1], at: architectureNode)
    guard let platform, let architecture else { return nil }
    return Target(platform: platform, architecture: architecture, location: node.location)
  }

  private mutating func platform(_ text: String, at node: YAMLNode) throws -> Platform? {
    if let platform = Platform(name: text) { return platform }
    // Unikraft's catalog lists `linuxu/x86_64` (a Linux process, not a VM) beside its VM
    // targets; such a Kraftfile must still work, so that target alone is left out, visibly.
    if text == Self.linuxUserPlatform {
      report([
        Diagnostic(
          .warning,
          "'linuxu' (Unikraft's Linux user-space platform) is not a VM platform kraft builds; "
            + "this target is left out, the others are built",
          at: node.location)
      ])
      return nil
    }
    let names = Platform.allCases.map(\.shortName) + ["firecracker", "kvm"]
    report("unknown platform '\(text)'" + Suggestion.hint(for: text, in: names), at: node)
    return nil
  }

  private mutating func architecture(_ text: String, at node: YAMLNode) throws -> Architecture? {
    if let architecture = Architecture(name: text) { return architecture }
    let names = Architecture.allCases.map(\.rawValue)
    let suggestion = Suggestion.hint(for: text, in: Array(Architecture.aliases.keys).sorted())
    report(
      "unknown architecture '\(text)'"
        + (suggestion.hasPrefix("; did") ? suggestion : Suggestion.hint(for: text, in: names)),
      at: node)
    return nil
  }

  mutating func kconfig(_ node: YAMLNode, for what: String) throws -> [KConfigAssignment] {
    switch node.content {
    case .mapping(let pairs):
      var result: [KConfigAssignment] = []
      for pair in pairs {
        let name = try string(pair.key, for: what)
        checkOptionName(name, at: pair.key)
        guard let scalar = pair.value.scalar, pair.value.isText else {
          throw pair.value.mismatch("'y', 'n', a number or a string", for: name)
        }
        let value = interpolate(scalar.value, at: pair.value)
        result.append(KConfigAssignment(name: name, value: value, location: pair.key.location))
      }
      return result
    case .sequence(let items):
      var result: [KConfigAssignment] = []
      for item in items {
        let line = try string(item, for: what)
        guard let (name, value) = KConfigAssignment.split(line) else {
          report("expected 'CONFIG_NAME=value' in the 'kconfig' list but found '\(line)'", at: item)
          continue
        }
        checkOptionName(name, at: item)
        result.append(KConfigAssignment(name: name, value: value, location: item.location))
      }
      return result
    case .scalar:
      throw node.mismatch("a map of options or a list of 'CONFIG_NAME=value'", for: what)
    }
  }

  private mutating func checkOptionName(_ name: String, at node: YAMLNode) {
    guard !KConfigAssignment.isValidName(name) else { return }
    report(
      "'\(name)' is not an option name; did you mean '\(KConfigAssignment.suggestedName(for: name))'?",
      at: node)
  }
}
