import KraftModel

/// What `kraft run` uses: `cmd`, `env`, `volumes`, and the free-form `labels`.
extension KraftfileDecoder {
  static let volumeKeys = ["source", "destination", "driver", "readOnly"]

  /// A list of arguments, or one string split like a shell would (without expansion).
  mutating func command(_ node: YAMLNode) throws -> [String] {
    if case .sequence(let items) = node.content {
      return try items.map { try text($0, for: "cmd") }
    }
    let line = try string(node, for: "cmd")
    do {
      return try ShellWords.split(line)
    } catch let problem as ShellWords.Problem {
      report(problem.message, at: node)
      return []
    }
  }

  /// A map of name to value, or a list of `NAME=value`; a name without a value (`- NAME`, or
  /// `NAME:` with nothing) takes the value kraft sees in its own environment.
  mutating func env(_ node: YAMLNode) throws -> [EnvironmentVariable] {
    var result: [EnvironmentVariable] = []
    switch node.content {
    case .mapping(let pairs):
      for pair in pairs {
        let name = try string(pair.key, for: "env")
        checkVariableName(name, at: pair.key)
        if pair.value.isNull {
          result.append(EnvironmentVariable(name: name, value: inherited(name, at: pair.key)))
        } else {
          result.append(EnvironmentVariable(name: name, value: try text(pair.value, for: name)))
        }
      }
    case .sequence(let items):
      for item in items {
        let entry = try string(item, for: "env")
        if let (name, value) = KConfigAssignment.split(entry) {
          checkVariableName(name, at: item)
          result.append(EnvironmentVariable(name: name, value: value))
        } else {
          checkVariableName(entry, at: item)
          result.append(EnvironmentVariable(name: entry, value: inherited(entry, at: item)))
        }
      }
    case .scalar:
      throw node.mismatch("a map or a list of 'NAME=value'", for: "env")
    }
    return result
  }

  private mutating func inherited(_ name: String, at node: YAMLNode) -> String {
    if let value = environment[name] { return value }
    report(
      "environment variable '\(name)' has no value here and is not set in kraft's environment; "
        + "write '\(name)=value' or set it", at: node)
    return ""
  }

  private mutating func checkVariableName(_ name: String, at node: YAMLNode) {
    if !Interpolation.isName(name) {
      report("'\(name)' is not a valid environment variable name; use letters, digits and '_'", at: node)
    }
  }

  /// `source:destination[:ro|:rw]` or a map; destinations are absolute paths in the guest.
  mutating func volumes(_ node: YAMLNode) throws -> [Volume] {
    var result: [Volume] = []
    for item in try node.sequence(for: "volumes") {
      if case .mapping = item.content {
        let map = try item.mapping(for: "volumes")
        report(map.unknownKeys(allowed: Self.volumeKeys, in: "a volume"))
        let source = try string(try map.required("source", in: "a volume"), for: "source")
        let destinationNode = try map.required("destination", in: "a volume")
        let destination = try string(destinationNode, for: "destination")
        checkDestination(destination, at: destinationNode)
        let driver = try map["driver"].map { try string($0, for: "driver") }
        let readOnly = try map["readOnly"]?.bool(for: "readOnly") ?? false
        result.append(
          Volume(source: source, destination: destination, driver: driver, readOnly: readOnly))
        continue
      }
      let text = try string(item, for: "volumes")
      let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
      let mode = parts.count == 3 ? parts[2] : nil
      guard parts.count == 2 || parts.count == 3, !parts[0].isEmpty,
        mode == nil || ["ro", "rw"].contains(mode!)
      else {
        report("expected a volume like './files:/data' or './files:/data:ro' but found '\(text)'", at: item)
        continue
      }
      checkDestination(parts[1], at: item)
      result.append(Volume(source: parts[0], destination: parts[1], readOnly: mode == "ro"))
    }
    return result
  }

  private mutating func checkDestination(_ path: String, at node: YAMLNode) {
    if !path.hasPrefix("/") {
      report("volume destination '\(path)' must be an absolute path in the guest, like '/data'", at: node)
    }
  }

  mutating func labels(_ node: YAMLNode) throws -> [String: String] {
    var result: [String: String] = [:]
    for pair in try node.mapping(for: "labels").pairs {
      let key = try string(pair.key, for: "labels")
      result[key] = try text(pair.value, for: key)
    }
    return result
  }
}
