import KraftModel

/// Decodes a composed Kraftfile document into the model. A value of the wrong shape (a list
/// where a string belongs) is structural and thrown at once: nothing after it can be read
/// reliably. A value of the right shape that is wrong (an unknown architecture, a misspelt
/// key, an unset `${VAR}`) is recorded in `problems` and decoding carries on, so that all of
/// them are reported together.
struct KraftfileDecoder {
  static let topLevelKeys = [
    "spec", "specification", "name", "unikraft", "libraries", "targets", "kconfig", "cmd", "env",
    "rootfs", "volumes", "runtime", "template", "outdir", "labels",
  ]
  static let specVersions = ["v0.5", "v0.6"]

  let environment: [String: String]
  private(set) var problems: [Diagnostic] = []
  /// Where problems were reported, so that "already reported here" is O(1), not a scan of
  /// `problems` (which made a list of thousands of bad names quadratic).
  private var reportedLocations: Set<SourceLocation> = []

  init(environment: [String: String]) {
    self.environment = environment
  }

  mutating func decode(_ root: YAMLNode, directory: String) throws -> Kraftfile {
    if root.isNull {
      throw root.error("the Kraftfile is empty; write at least 'spec' and 'name', or run 'kraft init'")
    }
    guard case .mapping = root.content else {
      throw root.error(
        "expected the Kraftfile to be a map of settings ('spec', 'name', 'targets', ...) "
          + "but found \(root.kindDescription)")
    }
    let map = try root.mapping(for: "Kraftfile")
    problems += map.unknownKeys(
      allowed: Self.topLevelKeys, in: "the Kraftfile", alsoAllow: { $0.hasPrefix("x-") })

    var kraftfile = Kraftfile(directory: directory)
    if let written = try map.either("spec", "specification") {
      kraftfile.spec = try spec(written.node, key: written.key)
    }
    if let node = map["name"] { kraftfile.name = try name(node, for: "name") }
    if let node = map["unikraft"] {
      kraftfile.unikraft = try component(node, name: "unikraft", for: "unikraft")
    }
    if let node = map["libraries"] { kraftfile.libraries = try libraries(node) }
    if let node = map["targets"] { kraftfile.targets = try targets(node) }
    if let node = map["kconfig"] { kraftfile.kconfig = try kconfig(node, for: "kconfig") }
    if let node = map["cmd"] { kraftfile.cmd = try command(node) }
    if let node = map["env"] { kraftfile.env = try env(node) }
    if let node = map["rootfs"] { kraftfile.rootfs = try string(node, for: "rootfs") }
    if let node = map["volumes"] { kraftfile.volumes = try volumes(node) }
    if let node = map["runtime"] { kraftfile.runtime = try string(node, for: "runtime") }
    if let node = map["template"] { kraftfile.template = try template(node) }
    if let node = map["outdir"] { kraftfile.outdir = try string(node, for: "outdir") }
    if let node = map["labels"] { kraftfile.labels = try labels(node) }
    for pair in map.pairs {
      if let key = pair.key.scalar?.value, key.hasPrefix("x-") {
        kraftfile.extensions[key] = pair.value.jsonText
      }
    }
    return kraftfile
  }

  /// `v0.6`, `0.6` or the number 0.6, normalised to `v0.6`.
  private mutating func spec(_ node: YAMLNode, key: String) throws -> String {
    let raw = try text(node, for: key)
    let normalised = raw.hasPrefix("v") ? raw : "v" + raw
    guard Self.specVersions.contains(normalised) else {
      report(
        "unsupported \(key) '\(raw)'"
          + Suggestion.hint(for: normalised, in: Self.specVersions, listUpTo: 0)
          + "; kraft reads Kraftfiles of spec 'v0.5' and 'v0.6'", at: node)
      return raw
    }
    return normalised
  }

  /// Project, target and template names: what Unikraft accepts (`httpserver-g++13.2`);
  /// image file names are made safe from them (`ImageName.fileSafe`).
  mutating func name(_ node: YAMLNode, for what: String) throws -> String {
    let value = try string(node, for: what)
    // An unset `${VAR}` was reported already; its raw text is no name either.
    if !Kraftfile.isValidProjectName(value), !reportedLocations.contains(node.location) {
      report(
        "'\(value)' is not a valid \(what); use up to \(Kraftfile.maxNameBytes) bytes without "
          + "spaces, control characters, '/' or '\\'", at: node)
    }
    return value
  }

  static func isName(_ text: String) -> Bool { Kraftfile.isValidName(text) }

  // MARK: scalars

  /// A string (quoted, or plain and not a number, boolean or null), interpolated.
  mutating func string(_ node: YAMLNode, for what: String) throws -> String {
    guard let scalar = node.scalar, node.scalarKind == .string else {
      throw node.mismatch("a string", for: what)
    }
    return interpolate(scalar.value, at: node)
  }

  /// A string or a number, as written (`version: 0.17`, `PORT: 8080`), interpolated.
  mutating func text(_ node: YAMLNode, for what: String) throws -> String {
    guard let scalar = node.scalar, node.isText else {
      throw node.mismatch("a string", for: what)
    }
    return interpolate(scalar.value, at: node)
  }

  mutating func interpolate(_ value: String, at node: YAMLNode) -> String {
    do {
      return try Interpolation.expand(value, environment: environment)
    } catch let problem as Interpolation.Problem {
      report(problem.message, at: node)
    } catch {
      report("\(error)", at: node)
    }
    return value
  }

  mutating func report(_ message: String, at node: YAMLNode, notes: [Diagnostic] = []) {
    report([Diagnostic(message, at: node.location, notes: notes)])
  }

  mutating func report(_ diagnostics: [Diagnostic]) {
    problems += diagnostics
    reportedLocations.formUnion(diagnostics.compactMap(\.location))
  }
}
