import ArgumentParser
import Foundation
import KraftBasics
import KraftBuild
import KraftFetch
import KraftManifest
import KraftModel

/// `kraft port`: find, inspect and add ports, and write new ones.
struct PortCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "port",
    abstract: "List, inspect, add, update and write ports (external libraries).",
    discussion: """
      Ports are searched, first found wins, in: Ports/ beside the Kraftfile; each folder of \
      $KRAFT_PORTS_PATH; $XDG_DATA_HOME/kraft/ports (or ~/.local/share/kraft/ports); the \
      Ports/ shipped with kraft. See docs/porting.md.
      """,
    subcommands: [
      PortListCommand.self, PortInfoCommand.self, PortAddCommand.self, PortRemoveCommand.self,
      PortUpdateCommand.self, PortNewCommand.self, PortEditCommand.self, PortDiffCommand.self,
    ])
}

/// What every port command needs: the project (when there is one), the port catalog in its
/// search order, and a fetcher over the shared source cache.
struct PortContext {
  let fileSystem: any FileSystem = LocalFileSystem()
  let environment = ProcessInfo.processInfo.environment
  let currentDirectory = LocalFileSystem().currentDirectory
  /// The project's Kraftfile, when one was found (or named).
  let location: KraftfileLocation?
  let catalog: PortCatalog

  /// `requireProject`: fail when there is no Kraftfile instead of working without one.
  init(_ options: ProjectFolderOptions, requireProject: Bool) throws {
    let loader = KraftfileLoader.forCommand(fileSystem: fileSystem, environment: environment)
    do {
      location = try loader.locate(kraftfile: options.kraftfile, project: options.project)
    } catch let error as KraftfileNotFound {
      if requireProject || options.kraftfile != nil || options.project != nil { throw error }
      location = nil
    }
    let directory = location?.directory ?? currentDirectory
    // Without kraft's kernel (hence its Ports/) the other folders still work, but the user
    // must be told that the built-in ports are not among them.
    var kernel: KernelTree?
    do {
      kernel = try KernelTree.locate(
        kraftfile: Kraftfile(directory: directory), environment: environment, fileSystem: fileSystem)
      if let warning = kernel?.missingPortsWarning { StandardStream.error.write(warning + "\n") }
    } catch let error as KernelNotFound {
      StandardStream.error.write(
        "warning: kraft's built-in ports are missing: \(error.message)\n")
    }
    catalog = PortCatalog(
      roots: PortCatalog.searchRoots(
        projectDirectory: location?.directory, builtinPorts: kernel?.portsDirectory,
        environment: environment),
      fileSystem: fileSystem)
  }

  func loadKraftfile() throws -> LoadedKraftfile {
    guard let location else { throw KraftfileNotFound(message: "no Kraftfile here") }
    var loaded = try KraftfileLoader.forCommand(fileSystem: fileSystem, environment: environment)
      .load(kraftfile: location.path)
    loaded.location = location  // keeps the path as the user wrote it, for messages
    KraftfileWarnings.report(loaded, environment: environment)
    return loaded
  }

  /// The fetcher `kraft fetch` and `kraft build` use: the user's cache, mirrors, progress.
  func fetcher(offline: Bool = false) throws -> SourceFetcher {
    try SourceFetcher.commandLine(offline: offline, environment: environment)
  }

  /// What `kraft fetch` does after a Kraftfile edit: resolves every port the images need
  /// (fetching and verifying what the cache lacks) and rewrites `Kraftfile.lock` to match.
  /// Returns each port's lock entry and whether it was downloaded.
  func resolveAndLock(_ kraftfile: Kraftfile) throws -> [PreparedSource] {
    let sources = LockedPortSources(
      lock: try LockedSources(fetcher: try fetcher(), kraftfileDirectory: kraftfile.directory, locked: false))
    let prepared = try ProjectFetcher(kraftfile: kraftfile, sources: sources).fetch(prune: true)
    try sources.lock.writeIfMissing()
    return prepared
  }

  /// Writes `text` as the Kraftfile, then resolves and locks; on failure or interruption
  /// (Ctrl-C) the Kraftfile and its lock are put back as they were, so a port that cannot be
  /// fetched leaves the project unchanged (`KraftfileEditSession`).
  func writeAndLock(_ text: String, replacing loaded: LoadedKraftfile) throws -> [PreparedSource] {
    try KraftfileEditSession(loaded).apply(text) {
      let edited = try KraftfileLoader.forCommand(fileSystem: fileSystem, environment: environment)
        .load(kraftfile: loaded.location.path)
      return try resolveAndLock(edited.kraftfile)
    }
  }

  /// Writes `text` as the Kraftfile, atomically, through a link, keeping its mode.
  func writeKraftfile(_ text: String, replacing loaded: LoadedKraftfile) throws {
    try KraftfileEditSession(loaded).write(text)
  }

  static func report(_ prepared: [PreparedSource]) {
    for source in prepared {
      let entry = source.lockEntry
      print(
        "\(entry.name) \(entry.version): \(source.downloaded ? "fetched" : "cached"), "
          + "verified \(entry.pin.treeHash ?? "-")")
    }
  }

  /// `name` or `name@version`.
  static func split(_ reference: String) -> (name: String, version: String?) {
    guard let at = reference.firstIndex(of: "@") else { return (reference, nil) }
    return (String(reference[..<at]), String(reference[reference.index(after: at)...]))
  }

  /// Fails unless the recipe has `version` (nil: its default).
  static func checkVersion(_ version: String?, of port: PortDescription) throws {
    guard let version, port.recipe.upstream.version(version) == nil else { return }
    let known = port.recipe.upstream.versions.map(\.version)
    throw PortError(
      .usage,
      "port '\(port.name)' has no version '\(version)'" + Suggestion.hint(for: version, in: known)
        + "; known: " + known.joined(separator: ", "))
  }
}
