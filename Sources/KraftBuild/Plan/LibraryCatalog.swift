import KraftBasics
import KraftManifest
import KraftModel

/// Every library kraft knows: the kernel's (`Kernel/arch/*`, `Kernel/plat/*`,
/// `Kernel/drivers/*`, `Kernel/lib/*`, each with a `library.yaml`) and the ports
/// (`Ports/*/port.yaml`). Ports are listed with their source root unset (their own folder)
/// until `PortSourceProvider` hands over the tree.
public struct LibraryCatalog: Sendable {
  public var libraries: [LibraryManifest]

  public init(libraries: [LibraryManifest]) {
    self.libraries = libraries
  }

  /// Keys of `port.yaml` that belong to the fetch layer; the build reads the rest.
  public static let portOnlyKeys = [
    "upstream", "version", "patches", "license", "homepage", "prepare",
  ]

  /// `portDirectories`: the folders ports are read from, in `PortCatalog`'s search order (the
  /// first port of a name wins, so a project's `Ports/` can override a shipped port); nil reads
  /// only the kernel tree's `Ports/`.
  public static func load(
    kernel: KernelTree, fileSystem: FileSystem, portDirectories: [String]? = nil
  ) throws -> LibraryCatalog {
    var libraries: [LibraryManifest] = []
    var problems: [Diagnostic] = []
    for group in ["arch", "plat", "drivers", "lib"] {
      let folder = kernel.kernelDirectory + "/" + group
      guard fileSystem.isDirectory(folder) else { continue }
      for name in try fileSystem.list(folder) where fileSystem.isDirectory(folder + "/" + name) {
        let path = folder + "/" + name + "/library.yaml"
        guard fileSystem.exists(path) else { continue }
        do {
          libraries.append(
            try LibraryManifestParser().parse(
              try fileSystem.readText(path), file: path, directory: folder + "/" + name))
        } catch let diagnostics as Diagnostics {
          problems += diagnostics.items
        }
      }
    }
    var portNames: Set<String> = []
    let portFolders = portDirectories ?? kernel.portsDirectory.map { [$0] } ?? []
    for ports in portFolders
    where fileSystem.isDirectory(ports) {
      for name in try fileSystem.list(ports) {
        let path = ports + "/" + name + "/port.yaml"
        guard fileSystem.exists(path), !portNames.contains(name) else { continue }
        portNames.insert(name)
        do {
          var port = try LibraryManifestParser(extraKeys: portOnlyKeys).parse(
            try fileSystem.readText(path), file: path, directory: ports + "/" + name)
          port.kind = .port
          libraries.append(port)
        } catch let diagnostics as Diagnostics {
          problems += diagnostics.items
        }
      }
    }
    var seen: [String: LibraryManifest] = [:]
    for library in libraries {
      if let other = seen[library.name] {
        problems.append(
          Diagnostic(
            .error,
            "two libraries are named '\(library.name)': '\(other.directory)' and '\(library.directory)'; rename one",
            at: library.location))
      }
      seen[library.name] = library
    }
    if !problems.isEmpty { throw Diagnostics(problems) }
    return LibraryCatalog(libraries: libraries)
  }
}

/// Hands the build a port's upstream tree: fetched, verified against its pins and patched.
/// The fetch layer implements it; the build asks only for ports that an image selects.
public protocol PortSourceProvider: Sendable {
  /// The folder holding the prepared tree of `port`, for the version `component` asks for
  /// (the Kraftfile's `libraries:` entry; nil when the port was pulled in by a requirement,
  /// meaning its default version).
  func sourceRoot(for port: LibraryManifest, component: Component?) throws -> String
  /// The folder holding the fetched tree of a kernel that `unikraft:` names by a git or
  /// archive `source:` (a local folder is used in place and never comes here).
  func kernelSourceRoot(for unikraft: Component) throws -> String
}

extension PortSourceProvider {
  public func kernelSourceRoot(for unikraft: Component) throws -> String {
    throw PortSourcesUnavailable(
      message:
        "'unikraft:' names a remote source, and this command was started without a way to fetch it; run 'kraft fetch' or 'kraft build'"
    )
  }
}

/// Used when no fetch layer is wired in: any port is an error that says so.
public struct UnavailablePortSources: PortSourceProvider {
  public init() {}

  public func sourceRoot(for port: LibraryManifest, component: Component?) throws -> String {
    throw PortSourcesUnavailable(
      message:
        "port '\(port.name)' needs its upstream sources, and this build was started without a way to fetch them"
    )
  }
}

public struct PortSourcesUnavailable: KraftError {
  public var kind: ErrorKind { .fetchFailed }
  public var message: String
}
