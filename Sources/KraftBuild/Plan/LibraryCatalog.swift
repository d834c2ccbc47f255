import KraftBasics
import KraftManifest
import KraftModel

/// Every library kraft knows: the kernel's (`Kernel/arch/*`, `Kernel/plat/*`,
/// `Kernel/drivers/*`, `Kernel/lib/*`, each with a `library.yaml`) and the ports
/// (`Ports/*/port.yaml`). Ports are listed with their source root unset (their own folder)
/// until the fetch step (`PortSourceProvider`) hands over the tree.
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
