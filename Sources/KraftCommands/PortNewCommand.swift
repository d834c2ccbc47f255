import ArgumentParser
import Foundation
import KraftBuild
import KraftFetch
import KraftModel

/// `kraft port new NAME (--git URL --tag T | --archive URL)`: fetches the upstream once and
/// writes `Ports/NAME/port.yaml` with its pins filled in.
struct PortNewCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "new", abstract: "Start a port: fetch an upstream and write a pinned recipe.")

  @Argument(help: "The new port's name (a-z, 0-9, '-', '_').")
  var name: String

  @Option(help: "The upstream git repository.")
  var git: String?

  @Option(help: "The release tag in the git repository.")
  var tag: String?

  @Option(help: "The upstream release archive (.tar.gz, .tar.xz, .tar.bz2, .zip).")
  var archive: String?

  @Option(
    help: ArgumentHelp(
      "A local copy of the release archive (with --url): mirrored under that URL and pinned.",
      valueName: "file"))
  var file: String?

  @Option(help: ArgumentHelp("The upstream URL the --file archive is published at.", valueName: "url"))
  var url: String?

  @OptionGroup var mirror: MirrorFolderOptions

  @Option(help: "The version to record (default: taken from the tag or the archive's name).")
  var version: String?

  @Option(
    help: ArgumentHelp(
      "The folder to create the port in (default: Ports/ beside the Kraftfile, else ./Ports).",
      valueName: "dir"))
  var into: String?

  @OptionGroup var project: ProjectFolderOptions

  func validate() throws {
    guard !name.isEmpty,
      name.allSatisfy({ ($0.isLetter && $0.isLowercase) || $0.isNumber || $0 == "-" || $0 == "_" })
    else { throw ValidationError("port name '\(name)' may hold only a-z, 0-9, '-' and '_'") }
    switch (file, url) {
    case (nil, nil): break
    case (.some, .some):
      guard git == nil, tag == nil, archive == nil else {
        throw ValidationError("'--file' and '--url' replace '--archive' or '--git'; give only one source")
      }
      return
    case (.some, nil): throw ValidationError("'--file' needs '--url': the URL the archive is published at")
    case (nil, .some): throw ValidationError("'--url' goes with '--file'; for a download use '--archive URL'")
    }
    switch (git, tag, archive) {
    case (.some, .some, nil), (nil, nil, .some): break
    case (.some, nil, _): throw ValidationError("'--git' needs '--tag': a port pins a release, not a branch")
    default:
      throw ValidationError("give either '--git URL --tag TAG', '--archive URL' or '--file FILE --url URL'")
    }
  }

  func run() throws {
    let context = try PortContext(project, requireProject: false)
    let scaffold = PortScaffold(fileSystem: context.fileSystem)
    let folder =
      into ?? ((context.location?.directory ?? context.currentDirectory) + "/Ports")
    try scaffold.ensureNew(directory: folder + "/" + name)
    if let file, let url {
      // The local copy goes into the mirror under its upstream URL, so that this fetch and
      // every later one (builds, verify) find it there; the recipe names the upstream URL.
      let local = file.hasPrefix("/") ? file : context.currentDirectory + "/" + file
      let (path, config) = try MirrorRegistration.register(
        file: local, as: url,
        folder: mirror.folder(environment: context.environment, currentDirectory: context.currentDirectory),
        environment: context.environment)
      print("mirrored '\(file)' as '\(url)' ('\(path)')")
      if let config { print("added a mirror rule to '\(config)'") }
    }
    let source: PortScaffold.Source =
      if let url { .archive(url: url) } else if let archive { .archive(url: archive) } else {
        .git(url: git!, tag: tag!)
      }
    let chosenVersion = version ?? PortScaffold.version(of: source, name: name)
    let prepared = try context.fetcher().prepare(
      scaffold.request(name: name, version: chosenVersion, source: source))
    let outcome = try scaffold.write(
      name: name, source: source, prepared: prepared, directory: folder + "/" + name)
    print(
      "wrote '\(outcome.path)' (\(name) \(chosenVersion), tree \(prepared.lockEntry.pin.treeHash ?? "-"))")
    let survey = outcome.survey
    print(
      "sources: \(survey.sources.count) C file\(survey.sources.count == 1 ? "" : "s"); "
        + "public headers in \(survey.includes.joined(separator: ", "))")
    if !survey.libcHeaders.isEmpty {
      print(
        "requires: libc (the code includes \(survey.libcHeaders.prefix(3).map { "<\($0)>" }.joined(separator: ", ")))"
      )
    }
    if let license = outcome.license { print("license: \(license.identifier) (from \(license.file))") }
    if !survey.programs.isEmpty {
      print("left out (they define main): \(survey.programs.joined(separator: ", "))")
      print("  copy one into your project as its app source to build that program")
    }
    print(
      "next: 'kraft port add \(name)' in a project, then 'kraft build'; 'kraft port edit \(name)' to change the code"
    )
  }
}
