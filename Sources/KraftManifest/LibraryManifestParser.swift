import KraftModel

/// Reads a `library.yaml` (or the build keys of a port's `port.yaml`) into a
/// `LibraryManifest`. The format is docs/library-manifest.md. Structural errors stop the
/// parse at the first one; unknown keys are all reported, each at its line with a suggestion.
public struct LibraryManifestParser: Sendable {
  public static let topLevelKeys = [
    "name", "description", "kind", "architectures", "platforms", "requires", "provides",
    "exports", "default-for", "implies", "sources", "includes", "cflags", "global-cflags", "ldflags",
    "linker-scripts", "image-format", "options", "program", "rootfs", "hosted",
    "symbol-order", "lto", "sample-profile",
  ]
  static let fileKeys = ["path", "if", "architectures", "platforms", "from"]
  static let flagKeys = ["flag", "architectures"]
  static let imageFormatKeys = ["format", "architectures", "platforms"]
  static let optionKeys = ["type", "default", "range", "choices", "help", "depends-on"]

  /// Keys another layer reads from the same file (a port's `upstream:`), accepted and ignored.
  public var extraKeys: [String]

  public init(extraKeys: [String] = []) {
    self.extraKeys = extraKeys
  }

  /// `directory` is the folder holding the file (absolute).
  public func parse(_ text: String, file: String, directory: String) throws -> LibraryManifest {
    let root = try YAMLComposer.compose(text, file: file)
    let map = try root.mapping(for: "the manifest")
    let unknown = map.unknownKeys(allowed: Self.topLevelKeys + extraKeys, in: "a library manifest")
    if !unknown.isEmpty { throw Diagnostics(unknown) }

    let nameNode = try map.required("name", in: "the manifest")
    let name = try nameNode.string(for: "name")
    // `_` only because architecture names hold one (`arch-x86_64`).
    guard
      !name.isEmpty,
      name.allSatisfy({ ($0.isLetter && $0.isLowercase) || $0.isNumber || $0 == "-" || $0 == "_" })
    else {
      throw nameNode.error("library name '\(name)' may hold only a-z, 0-9, '-' and '_'")
    }
    var kind: LibraryManifest.Kind = extraKeys.contains("upstream") ? .port : .library
    if let node = map.optional("kind") {
      let text = try node.string(for: "kind")
      guard let parsed = LibraryManifest.Kind(rawValue: text) else {
        throw node.error(
          "unknown kind '\(text)'; use one of "
            + LibraryManifest.Kind.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", "))
      }
      kind = parsed
    }

    var manifest = LibraryManifest(
      name: name, kind: kind, directory: directory, location: root.location)
    manifest.description = try map.optionalString("description")
    manifest.architectures = try architectures(map.optional("architectures"))
    manifest.platforms = try platforms(map.optional("platforms"))
    manifest.requires = try map.optionalStrings("requires", allowSingle: true) ?? []
    manifest.provides = try map.optionalStrings("provides", allowSingle: true) ?? []
    manifest.exports = try exports(map.optional("exports"))
    manifest.defaultFor = try map.optionalStrings("default-for", allowSingle: true) ?? []
    manifest.implies = try map.optionalStrings("implies", allowSingle: true) ?? []
    manifest.sources = try files(map.optional("sources"), key: "sources")
    manifest.includes = try files(map.optional("includes"), key: "includes")
    manifest.program = try files(map.optional("program"), key: "program")
    manifest.linkerScripts = try files(map.optional("linker-scripts"), key: "linker-scripts")
    manifest.rootfs = try map.optional("rootfs").map { try fileEntry($0, key: "rootfs") }
    manifest.imageFormats = try imageFormats(map.optional("image-format"))
    manifest.cflags = try flags(map.optional("cflags"), key: "cflags")
    manifest.globalCflags = try map.optionalStrings("global-cflags", allowSingle: true) ?? []
    manifest.ldflags = try map.optionalStrings("ldflags", allowSingle: true) ?? []
    manifest.hosted = try map.optionalBool("hosted") ?? false
    manifest.symbolOrder = try map.optional("symbol-order").map {
      try fileEntry($0, key: "symbol-order")
    }
    if let node = map.optional("lto") {
      (manifest.lto, manifest.ltoSources) = try linkTimeOptimization(node)
      manifest.ltoLocation = map.keyNode("lto")?.location ?? node.location
    }
    manifest.sampleProfile = try map.optional("sample-profile").map {
      try fileEntry($0, key: "sample-profile")
    }
    // A port's `prepare:` is the fetch layer's; only the list of sources it makes is the build's.
    if extraKeys.contains("prepare"), let prepare = try map.optionalMapping("prepare") {
      manifest.sourcesList = try prepare.optionalString("sources-list")
    }
    if let options = try map.optionalMapping("options") {
      manifest.options = try options.pairs.map { try option($0, library: name) }
    }
    for capability in manifest.defaultFor where !manifest.provides.contains(capability) {
      throw (map.optional("default-for") ?? root).error(
        "'default-for' names '\(capability)', which '\(name)' does not provide; add it to 'provides'")
    }
    return manifest
  }

  /// `lto:`: a mode (`thin`), or `{mode: thin, sources: [...]}` naming the files it covers.
  private func linkTimeOptimization(_ node: YAMLNode) throws -> (LinkTimeOptimization, [String]) {
    func mode(_ node: YAMLNode) throws -> LinkTimeOptimization {
      let text = try node.string(for: "lto")
      guard let mode = LinkTimeOptimization(rawValue: text) else {
        throw node.error(
          "unknown link-time optimisation '\(text)'; use "
            + LinkTimeOptimization.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
            + ", or leave 'lto' out")
      }
      return mode
    }
    if node.scalar != nil { return (try mode(node), []) }
    let map = try node.mapping(for: "lto")
    try map.checkKeys(allowed: ["mode", "sources"], in: "'lto'")
    let sources = try map.optionalStrings("sources", allowSingle: true) ?? []
    if map.optional("sources") != nil && sources.isEmpty {
      throw (map.optional("sources") ?? node).error(
        "'lto: sources:' lists no file; leave it out to cover every source of the library")
    }
    return (try mode(try map.required("mode", in: "'lto'")), sources)
  }

  /// `exports:`: C symbol names, each optionally with `*` wildcards (`vfs_*`).
  private func exports(_ node: YAMLNode?) throws -> [String]? {
    guard let node else { return nil }
    return try node.sequence(for: "exports").map { item in
      let text = try item.string(for: "exports")
      guard
        !text.isEmpty, text != "*",
        text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "*") })
      else {
        throw item.error(
          "'exports' lists C symbol names (letters, digits, '_'), optionally with '*' wildcards, not '\(text)'"
        )
      }
      return text
    }
  }

  private func architectures(_ node: YAMLNode?) throws -> [Architecture]? {
    guard let node else { return nil }
    return try node.sequence(for: "architectures").map { item in
      let text = try item.string(for: "architectures")
      guard let architecture = Architecture(name: text) else {
        throw item.error(
          "unknown architecture '\(text)'"
            + (Suggestion.closest(to: text, in: Architecture.aliases.keys.sorted()).map {
              "; did you mean '\($0)'?"
            } ?? ""))
      }
      return architecture
    }
  }

  private func platforms(_ node: YAMLNode?) throws -> [Platform]? {
    guard let node else { return nil }
    return try node.sequence(for: "platforms").map { item in
      let text = try item.string(for: "platforms")
      guard let platform = Platform(name: text) else {
        throw item.error(
          "unknown platform '\(text)'"
            + (Suggestion.closest(to: text, in: Platform.aliases.keys.sorted()).map {
              "; did you mean '\($0)'?"
            } ?? ""))
      }
      return platform
    }
  }

  /// `image-format:`: a list of maps with `format` and optional `architectures`/`platforms`.
  private func imageFormats(_ node: YAMLNode?) throws -> [ImageFormatRule] {
    guard let node else { return [] }
    return try node.sequence(for: "image-format").map { item in
      let map = try item.mapping(for: "image-format")
      try map.checkKeys(allowed: Self.imageFormatKeys, in: "an entry of 'image-format'")
      let formatNode = try map.required("format", in: "an entry of 'image-format'")
      let text = try formatNode.string(for: "format")
      guard let format = ImageFormat(rawValue: text) else {
        throw formatNode.error(
          "unknown image format '\(text)'; use one of "
            + ImageFormat.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", "))
      }
      return ImageFormatRule(
        format: format, architectures: try architectures(map.optional("architectures")),
        platforms: try platforms(map.optional("platforms")), location: item.location)
    }
  }

  /// A list whose items are a path, or a map with `path` and conditions.
  private func files(_ node: YAMLNode?, key: String) throws -> [LibraryFile] {
    guard let node else { return [] }
    return try node.sequence(for: key).map { try fileEntry($0, key: key) }
  }

  /// One entry of a list of files: a path, or a mapping with `path` and its conditions.
  private func fileEntry(_ item: YAMLNode, key: String) throws -> LibraryFile {
    if item.scalar != nil {
      return LibraryFile(try item.string(for: key), location: item.location)
    }
    let map = try item.mapping(for: key)
    try map.checkKeys(allowed: Self.fileKeys, in: "an entry of '\(key)'")
    var file = LibraryFile(
      try map.requiredString("path", in: "an entry of '\(key)'"), location: item.location)
    if let condition = map.optional("if") {
      // One condition, or a list that must all hold (`[CONFIG_X, '!CONFIG_Y']`).
      let items = condition.scalar != nil ? [condition] : try condition.sequence(for: "if")
      file.conditions = try items.map { item in
        let text = try item.string(for: "if")
        guard let parsed = OptionCondition(parsing: text) else {
          throw item.error(
            "'if' takes bool options, 'CONFIG_X' or '!CONFIG_X' (or a list of them), not '\(text)'")
        }
        return parsed
      }
    }
    file.architectures = try architectures(map.optional("architectures"))
    file.platforms = try platforms(map.optional("platforms"))
    if let from = map.optional("from") {
      switch try from.string(for: "from") {
      case "upstream": file.base = .sourceRoot
      case "port", "library": file.base = .manifest
      case let other:
        throw from.error("'from' is 'upstream' or 'port', not '\(other)'")
      }
    }
    return file
  }

  /// A flag, or a list whose items are a flag or a map with `flag` and `architectures`.
  private func flags(_ node: YAMLNode?, key: String) throws -> [LibraryFlag] {
    guard let node else { return [] }
    if node.scalar != nil { return [LibraryFlag(try node.string(for: key))] }
    return try node.sequence(for: key).map { item in
      if item.scalar != nil { return LibraryFlag(try item.string(for: key)) }
      let map = try item.mapping(for: key)
      try map.checkKeys(allowed: Self.flagKeys, in: "an entry of '\(key)'")
      return LibraryFlag(
        try map.requiredString("flag", in: "an entry of '\(key)'"),
        architectures: try architectures(map.optional("architectures")))
    }
  }

  private func option(_ pair: YAMLPair, library: String) throws -> LibraryOption {
    let name = try pair.key.string(for: "an option name")
    guard LibraryOption.isValidName(name) else {
      throw pair.key.error("option name '\(name)' must start with 'CONFIG_' and hold only A-Z, 0-9 and '_'")
    }
    let map = try pair.value.mapping(for: name)
    try map.checkKeys(allowed: Self.optionKeys, in: "option '\(name)'")
    let typeNode = try map.required("type", in: "option '\(name)'")
    let typeText = try typeNode.string(for: "type")
    guard let kind = LibraryOption.Kind(rawValue: typeText) else {
      throw typeNode.error(
        "unknown option type '\(typeText)'; use one of "
          + LibraryOption.Kind.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", "))
    }
    var option = LibraryOption(
      name: name, kind: kind, help: try map.optionalString("help"),
      dependsOn: try map.optionalStrings("depends-on", allowSingle: true) ?? [], library: library,
      location: pair.key.location)
    if let rangeNode = map.optional("range") {
      guard kind == .int else { throw rangeNode.error("'range' applies to int options only") }
      let bounds = try rangeNode.sequence(for: "range").map { try $0.int(for: "range") }
      guard bounds.count == 2, bounds[0] <= bounds[1] else {
        throw rangeNode.error("'range' is [lowest, highest]")
      }
      option.range = bounds[0]...bounds[1]
    }
    if let choicesNode = map.optional("choices") {
      guard kind == .choice else { throw choicesNode.error("'choices' applies to choice options only") }
      option.choices = try choicesNode.strings(for: "choices")
    }
    if kind == .choice && option.choices.isEmpty {
      throw (map.optional("type") ?? pair.value).error("choice option '\(name)' needs 'choices'")
    }
    if let defaultNode = map.optional("default") {
      let scalar = try defaultNode.scalar(for: "default")
      // YAML 1.2 reads `true`/`false` as booleans; Kconfig style `y`/`n` stays text. Both work.
      let text = scalar.bool.map { $0 ? "y" : "n" } ?? scalar.value
      do {
        option.defaultValue = try option.parse(text)
      } catch {
        throw defaultNode.error("bad default: " + error.message)
      }
    } else {
      switch kind {
      case .bool: option.defaultValue = .bool(false)
      case .choice: option.defaultValue = .choice(option.choices[0])
      case .int, .string: option.defaultValue = nil
      }
    }
    return option
  }
}
