import ArgumentParser
import KraftBasics
import KraftBuild
import KraftFetch
import KraftManifest
import KraftModel

/// `kraft port add NAME[@VERSION]`: lists the port (and the ports it requires) under the
/// Kraftfile's `libraries:`, keeping the file's comments and layout, then fetches and
/// verifies each against its pins so that a later build starts from a checked cache.
struct PortAddCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "add", abstract: "Add a port (and the ports it requires) to the Kraftfile.")

  @Argument(help: "The port, as NAME or NAME@VERSION.")
  var reference: String

  @Flag(help: "Only edit the Kraftfile; fetch later (kraft build fetches what is missing).")
  var noFetch = false

  @OptionGroup var project: ProjectFolderOptions

  func run() throws {
    let context = try PortContext(project, requireProject: true)
    let loaded = try context.loadKraftfile()
    let (name, version) = PortContext.split(reference)
    let entry = try context.catalog.port(named: name)
    try PortContext.checkVersion(version, of: entry.description)

    var editor = KraftfileEditor(text: loaded.text, file: loaded.location.displayPath)
    var listed = Set(loaded.kraftfile.libraries.map(\.name))
    var added: [(PortCatalog.Entry, String?)] = []
    if listed.contains(name) {
      guard let version else {
        throw PortError(
          .usage,
          "'\(name)' is already in 'libraries:'; 'kraft port update \(name)' moves it to the newest version")
      }
      try editor.setVersion(of: name, to: version)
    } else {
      try editor.addLibrary(name, version: version)
    }
    listed.insert(name)
    added.append((entry, version))
    // Required ports come along (a port needing the libc gets musl), each once.
    var queue = try context.catalog.requiredPorts(of: entry)
    while let next = queue.first {
      queue.removeFirst()
      guard !listed.contains(next.name) else { continue }
      if try providedAlready(next, by: loaded.kraftfile, catalog: context.catalog) { continue }
      try editor.addLibrary(next.name, version: nil)
      listed.insert(next.name)
      added.append((next, nil))
      queue += try context.catalog.requiredPorts(of: next)
    }

    // An interpreter port added to a project without a script to run gets the template's.
    let starter = ProgramPortStarter.named(name)
    let starterKeys = try starter?.editKraftfile(&editor) ?? []

    if noFetch {
      try context.writeKraftfile(editor.text, replacing: loaded)
    } else {
      PortContext.report(try context.writeAndLock(editor.text, replacing: loaded))
    }
    for (port, version) in added {
      let shown = version ?? port.description.recipe.upstream.defaultVersion
      print("added \(port.name) \(shown) to '\(loaded.location.displayPath)'")
    }
    guard let starter else { return }
    let changes = try starter.updateProject(
      in: loaded.location.directory, addedKeys: !starterKeys.isEmpty, fileSystem: context.fileSystem)
    for line in starterKeys + changes { print(line) }
  }

  /// True when a library the Kraftfile already lists provides what `port` would be added for
  /// (e.g. another libc): the requirement is met without it.
  private func providedAlready(
    _ port: PortCatalog.Entry, by kraftfile: Kraftfile, catalog: PortCatalog
  ) throws -> Bool {
    let capabilities = Set(port.description.manifest.provides)
    guard !capabilities.isEmpty else { return false }
    for library in kraftfile.libraries {
      guard let other = try? catalog.port(named: library.name) else { continue }
      if !capabilities.isDisjoint(with: other.description.manifest.provides) { return true }
    }
    return false
  }
}

/// `kraft port remove NAME`: the inverse edit of the Kraftfile.
struct PortRemoveCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "remove", abstract: "Remove a port from the Kraftfile's 'libraries:'.")

  @Argument(help: "The port's name.")
  var name: String

  @Flag(help: "Only edit the Kraftfile; leave Kraftfile.lock until the next fetch or build.")
  var noFetch = false

  @OptionGroup var project: ProjectFolderOptions

  func run() throws {
    let context = try PortContext(project, requireProject: true)
    let loaded = try context.loadKraftfile()
    var editor = KraftfileEditor(text: loaded.text, file: loaded.location.displayPath)
    try editor.removeLibrary(name)
    if noFetch {
      try context.writeKraftfile(editor.text, replacing: loaded)
    } else {
      // Re-resolving drops the port's entry from Kraftfile.lock (unless something else in
      // the image still requires the port).
      _ = try context.writeAndLock(editor.text, replacing: loaded)
    }
    print("removed \(name) from '\(loaded.location.displayPath)'")
  }
}
