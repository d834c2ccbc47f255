import ArgumentParser
import Foundation
import KraftBasics
import KraftBuild
import KraftFetch
import KraftModel

/// `kraft mirror`: keep local copies of upstream archives, laid out by URL, for machines
/// without the network (docs/ports.md, "Mirrors").
struct MirrorCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "mirror",
    abstract: "Mirror upstream archives in a local folder for offline builds.",
    discussion: """
      The mirror folder is --dir, else $KRAFT_MIRROR_DIR, else $XDG_DATA_HOME/kraft/mirror \
      (~/.local/share/kraft/mirror); files are laid out as <host>/<path> of their URL. Each \
      mirrored URL gets a rule in the mirrors file ($XDG_CONFIG_HOME/kraft/mirrors.yaml, or \
      ~/.config/kraft/mirrors.yaml), so fetches use the copy; pins are checked as always.
      """,
    subcommands: [MirrorAddCommand.self, MirrorSyncCommand.self])
}

/// The mirror folder option shared by the mirror commands.
struct MirrorFolderOptions: ParsableArguments {
  @Option(help: ArgumentHelp("The mirror folder.", valueName: "dir"))
  var dir: String?

  func folder(environment: [String: String], currentDirectory: String) -> MirrorFolder {
    let root = dir ?? MirrorFolder.defaultRoot(environment: environment)
    return MirrorFolder(root: root.hasPrefix("/") ? root : currentDirectory + "/" + root)
  }
}

/// What `mirror add` and `port new --file` share: storing a file under its upstream URL and
/// adding the rule that sends fetches of that URL to it.
enum MirrorRegistration {
  /// Copies `file` into `folder` as `url` and maps `url` to it in the mirrors file; returns
  /// the mirrored path and the mirrors file when it was changed.
  static func register(
    file: String, as url: String, folder: MirrorFolder, environment: [String: String]
  ) throws -> (path: String, configChanged: String?) {
    let path = try folder.store(file: file, as: url)
    return (path, try addRule(url: url, path: path, environment: environment))
  }

  /// Maps `url` to the mirrored file at `path` in the mirrors file; returns the file's path
  /// when it changed (nil when the rule was there already).
  static func addRule(url: String, path: String, environment: [String: String]) throws -> String? {
    let config = MirrorConfig.configPath(environment: environment)
    let fileSystem = LocalFileSystem()
    let old = try? fileSystem.readText(config)
    guard let text = try MirrorConfigEditor.adding(prefix: url, url: "file://" + path, to: old, file: config)
    else { return nil }
    try fileSystem.writeText(text, to: config)
    return config
  }
}

/// `kraft mirror add FILE --as URL`.
struct MirrorAddCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "add",
    abstract: "Put a local copy of an upstream file into the mirror, under its URL.",
    discussion: """
      When a port the project can see pins an archive at URL, the file must match its sha256 \
      (exit status 76 otherwise, and nothing is written).
      """)

  @Argument(help: ArgumentHelp("The local file (e.g. a downloaded release archive).", valueName: "file"))
  var file: String

  @Option(
    name: .customLong("as"),
    help: ArgumentHelp("The upstream URL the file is published at.", valueName: "url"))
  var url: String

  @OptionGroup var mirror: MirrorFolderOptions
  @OptionGroup var project: ProjectFolderOptions

  func run() throws {
    let context = try PortContext(project, requireProject: false)
    let local = file.hasPrefix("/") ? file : context.currentDirectory + "/" + file
    guard context.fileSystem.exists(local), access(local, R_OK) == 0 else {
      throw PortError(.missingInput, "cannot read '\(file)'")
    }
    let actual = try TreeHash.hashFile(local)
    var matched: [String] = []
    for entry in try context.catalog.all() {
      for version in entry.description.recipe.upstream.versions where version.archive == url {
        guard let expected = version.pin.archiveSHA256 else { continue }
        guard expected == actual else {
          throw PortError(
            .verificationFailed,
            "'\(file)' has sha256 \(actual), but port '\(entry.name)' \(version.version) pins \(expected) for '\(url)'; it is not that archive"
          )
        }
        matched.append("\(entry.name) \(version.version)")
      }
    }
    let folder = mirror.folder(environment: context.environment, currentDirectory: context.currentDirectory)
    let (path, config) = try MirrorRegistration.register(
      file: local, as: url, folder: folder, environment: context.environment)
    print("mirrored '\(url)' as '\(path)' (sha256 \(actual))")
    if !matched.isEmpty { print("matches the pin of \(matched.joined(separator: ", "))") }
    if let config { print("added a mirror rule to '\(config)'") }
  }
}

/// `kraft mirror sync`: every port version the project can see that names a Debian source
/// package is mirrored from Debian.
struct MirrorSyncCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sync",
    abstract: "Mirror every archive that a visible port names a Debian source package for.",
    discussion: """
      Reads the ports in kraft's search order (the project's, $KRAFT_PORTS_PATH, the user's, \
      kraft's own) and, for each version with 'archive:' and a 'debian:' hint, downloads the \
      orig tarball with 'apt-get source --download-only', checks it against the pin and \
      stores it under the archive's URL. Needs apt with a deb-src entry (root).
      """)

  @Argument(help: ArgumentHelp("Only these ports (default: every port kraft can see).", valueName: "port"))
  var ports: [String] = []

  @OptionGroup var mirror: MirrorFolderOptions
  @OptionGroup var project: ProjectFolderOptions

  func run() throws {
    let context = try PortContext(project, requireProject: false)
    let folder = mirror.folder(environment: context.environment, currentDirectory: context.currentDirectory)
    let entries =
      try ports.isEmpty ? context.catalog.all() : ports.map { try context.catalog.port(named: $0) }
    let items = entries.flatMap { DebianMirrorSync.Item.all(in: $0.description.recipe) }
    guard !items.isEmpty else {
      print("no port here names a Debian source package ('debian:' in its upstream versions)")
      return
    }
    let sync = DebianMirrorSync(folder: folder, runner: SystemProcessRunner())
    for item in items {
      let (path, downloaded) = try sync.sync(item)
      _ = try MirrorRegistration.addRule(url: item.url, path: path, environment: context.environment)
      print("\(item.port) \(item.version): \(downloaded ? "mirrored" : "already mirrored") '\(path)'")
    }
    print("mirror rules are in '\(MirrorConfig.configPath(environment: context.environment))'")
  }
}
