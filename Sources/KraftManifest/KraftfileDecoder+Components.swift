import KraftModel

/// `unikraft:`, `libraries:` and `template:`: each a string shorthand (version, path or URL)
/// or a map with `source`, `version` and (except templates) `kconfig`.
extension KraftfileDecoder {
  static let componentKeys = ["source", "version", "kconfig"]
  static let templateKeys = ["name", "source", "version"]

  mutating func component(_ node: YAMLNode, name: String, for what: String) throws -> Component {
    var component = Component(name: name, location: node.location)
    if case .mapping = node.content {
      let map = try node.mapping(for: what)
      report(map.unknownKeys(allowed: Self.componentKeys, in: "'\(what)'"))
      if let source = map["source"] {
        component.source = ComponentReference.source(try word(source, for: "source"))
      }
      if let version = map["version"] { component.version = try word(version, for: "version") }
      if let kconfig = map["kconfig"] { component.kconfig = try self.kconfig(kconfig, for: "kconfig") }
      return component
    }
    guard node.isText else {
      throw node.mismatch("a version, a path, a URL or a map", for: what)
    }
    let reference = ComponentReference.parse(try word(node, for: what))
    component.source = reference.source
    component.version = reference.version
    return component
  }

  /// `libraries:` maps each library name to nothing (the default version), a shorthand string
  /// or a long-form map; the written order is kept.
  mutating func libraries(_ node: YAMLNode) throws -> [Component] {
    let map = try node.mapping(for: "libraries")
    var result: [Component] = []
    for pair in map.pairs {
      let name = try string(pair.key, for: "libraries")
      if !Self.isName(name) {
        report(
          "'\(name)' is not a valid library name; use letters, digits, '.', '_' and '-'",
          at: pair.key)
      }
      if pair.value.isNull {
        result.append(Component(name: name, location: pair.key.location))
      } else {
        var library = try component(pair.value, name: name, for: name)
        library.location = pair.key.location
        result.append(library)
      }
    }
    return result
  }

  /// `template:` names an application template: a name, a path, a URL or a map.
  mutating func template(_ node: YAMLNode) throws -> Component {
    if case .mapping = node.content {
      let map = try node.mapping(for: "template")
      report(map.unknownKeys(allowed: Self.templateKeys, in: "'template'"))
      let source = try map["source"].map { ComponentReference.source(try word($0, for: "source")) }
      let version = try map["version"].map { try word($0, for: "version") }
      var name = try map["name"].map { try self.name($0, for: "template name") }
      if name == nil, let source { name = Self.defaultName(for: source) }
      guard let name else {
        throw node.error("'template' needs a 'name' or a 'source'")
      }
      return Component(name: name, source: source, version: version, location: node.location)
    }
    let text = try word(node, for: "template")
    if ComponentReference.isURL(text) || ComponentReference.isPath(text) {
      let source = ComponentReference.source(text)
      return Component(name: Self.defaultName(for: source), source: source, location: node.location)
    }
    return Component(name: text, location: node.location)
  }

  /// A template's name from where it lives: the last path component without `.git`.
  static func defaultName(for source: ComponentSource) -> String {
    let text: String
    switch source {
    case .path(let path): text = path
    case .git(let url, _): text = url
    case .archive(let url): text = url
    }
    var last = text.split(whereSeparator: { $0 == "/" || $0 == ":" }).last.map(String.init) ?? text
    for suffix in [".git"] + ComponentReference.archiveSuffixes where last.hasSuffix(suffix) {
      last = String(last.dropLast(suffix.count))
    }
    return last
  }

  /// A version, path or URL: a non-empty string (or number) without whitespace.
  private mutating func word(_ node: YAMLNode, for what: String) throws -> String {
    let value = try text(node, for: what)
    if value.isEmpty || value.contains(where: { $0.isWhitespace }) {
      report("'\(value)' is not a valid \(what); it must be non-empty and contain no spaces", at: node)
    }
    return value
  }
}
