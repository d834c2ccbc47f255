import Foundation
import KraftBasics
import KraftModel

/// The ports a project can use, found in folders searched in this order (the first port of a
/// name wins, so a project can override a port it ships a fixed copy of):
///
/// 1. `Ports/` beside the Kraftfile (the project's own ports);
/// 2. each folder of `$KRAFT_PORTS_PATH` (colon-separated), in order;
/// 3. the user's ports: `$XDG_DATA_HOME/kraft/ports`, else `~/.local/share/kraft/ports`;
/// 4. the `Ports/` shipped with kraft (beside its `Kernel/`).
///
/// A port is a folder holding `port.yaml`; see docs/porting.md.
public struct PortCatalog: Sendable {
  public enum Origin: String, Hashable, Sendable, Codable {
    case project, path, user, builtin
  }

  public struct Root: Hashable, Sendable {
    public var directory: String
    public var origin: Origin

    public init(_ directory: String, origin: Origin) {
      self.directory = directory
      self.origin = origin
    }
  }

  public struct Entry: Hashable, Sendable {
    public var description: PortDescription
    public var origin: Origin
    public var name: String { description.name }
  }

  public let roots: [Root]
  public let fileSystem: any FileSystem

  public init(roots: [Root], fileSystem: any FileSystem) {
    self.roots = roots
    self.fileSystem = fileSystem
  }

  /// The search order above. `projectDirectory` is the Kraftfile's folder (nil outside a
  /// project); `builtinPorts` is kraft's own `Ports/` (`KernelTree.portsDirectory`).
  public static func searchRoots(
    projectDirectory: String?, builtinPorts: String?, environment: [String: String]
  ) -> [Root] {
    var roots: [Root] = []
    if let projectDirectory { roots.append(Root(projectDirectory + "/Ports", origin: .project)) }
    for folder in (environment["KRAFT_PORTS_PATH"] ?? "").split(separator: ":") {
      roots.append(Root(String(folder), origin: .path))
    }
    if let data = environment["XDG_DATA_HOME"], !data.isEmpty {
      roots.append(Root(data + "/kraft/ports", origin: .user))
    } else if let home = environment["HOME"], !home.isEmpty {
      roots.append(Root(home + "/.local/share/kraft/ports", origin: .user))
    }
    if let builtinPorts { roots.append(Root(builtinPorts, origin: .builtin)) }
    return roots
  }

  /// Every port, each name once (the first found), sorted by name.
  public func all() throws -> [Entry] {
    var found: [String: Entry] = [:]
    for root in roots where fileSystem.isDirectory(root.directory) {
      for name in try fileSystem.list(root.directory).sorted()
      where found[name] == nil && fileSystem.exists(root.directory + "/" + name + "/port.yaml") {
        let description = try PortDescription.load(
          directory: root.directory + "/" + name, fileSystem: fileSystem)
        found[description.name] = Entry(description: description, origin: root.origin)
      }
    }
    return found.values.sorted { $0.name < $1.name }
  }

  /// The port called `name`, or an error listing where kraft looked.
  public func port(named name: String) throws -> Entry {
    for root in roots {
      let directory = root.directory + "/" + name
      if fileSystem.exists(directory + "/port.yaml") {
        return Entry(
          description: try PortDescription.load(directory: directory, fileSystem: fileSystem),
          origin: root.origin)
      }
    }
    let known = (try? all().map(\.name)) ?? []
    let searched = roots.map { "'\($0.directory)'" }.joined(separator: ", ")
    throw PortError(
      .missingInput,
      "no port named '\(name)'" + Suggestion.hint(for: name, in: known)
        + "\nsearched: \(searched); 'kraft port list' shows the ports there")
  }

  /// The ports `entry` needs that a project must also list: every `requires` name that is a
  /// port, and for a capability, the one port providing it (its `default-for` one when
  /// several do). Libraries of the kernel itself are not ports and are left to the build.
  public func requiredPorts(of entry: Entry) throws -> [Entry] {
    let everything = try all()
    var result: [Entry] = []
    for requirement in entry.description.manifest.requires {
      if let port = everything.first(where: { $0.name == requirement }) {
        result.append(port)
        continue
      }
      let providers = everything.filter { $0.description.manifest.provides.contains(requirement) }
      let chosen =
        providers.count == 1
        ? providers.first
        : providers.first { $0.description.manifest.defaultFor.contains(requirement) }
      if let chosen { result.append(chosen) }
    }
    return result
  }
}

extension PortCatalog {
  /// What fetching would refuse in a Kraftfile's `libraries:`, found before fetching: a
  /// version (or channel) the port's recipe does not have. Libraries with their own
  /// `source:`, and names that are not ports, are left to the build.
  public func versionProblems(in kraftfile: Kraftfile) -> [Diagnostic] {
    kraftfile.libraries.compactMap { library in
      guard library.source == nil, library.version != nil,
        let entry = try? port(named: library.name)
      else { return nil }
      return Self.versionProblem(library, recipe: entry.description.recipe)
    }
  }

  /// An error at the library's line when `recipe` has no such version or channel.
  public static func versionProblem(_ library: Component, recipe: PortRecipe) -> Diagnostic? {
    guard library.source == nil, let version = library.version,
      recipe.upstream.version(version) == nil
    else { return nil }
    return Diagnostic(
      recipe.upstream.unknownVersionMessage(version, port: recipe.name), at: library.location)
  }
}

/// A `kraft port` failure.
public struct PortError: KraftError, Hashable {
  public var kind: ErrorKind
  public var message: String

  public init(_ kind: ErrorKind, _ message: String) {
    self.kind = kind
    self.message = message
  }
}
