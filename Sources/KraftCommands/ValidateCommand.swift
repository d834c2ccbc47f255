import ArgumentParser
import Foundation
import KraftBasics
import KraftBuild
import KraftManifest
import KraftModel

/// `kraft validate [PATH]`: parses and checks a Kraftfile without building anything, and
/// prints the project as kraft understood it.
struct ValidateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "validate",
    abstract: "Check a Kraftfile and print the project as kraft reads it.",
    discussion: """
      Every problem in the file is reported with its line and column. Exits with 65 when the \
      Kraftfile is invalid and 66 when none is found.
      """)

  enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
  }

  @OptionGroup var project: ProjectOptions

  @Option(name: [.short, .long], help: "How to print the normalised project: text or json.")
  var output: OutputFormat = .text

  func run() throws {
    let loaded = try project.load()
    try Self.checkPorts(loaded.kraftfile, fileSystem: LocalFileSystem())
    switch output {
    case .text:
      print(KraftfileSummary.text(for: loaded.kraftfile, path: loaded.location.displayPath))
    case .json:
      print(try Self.json(loaded))
    }
  }

  /// What `kraft fetch` would refuse about the ports the Kraftfile names (a version or
  /// channel their recipes do not have), thrown as positioned errors.
  static func checkPorts(
    _ kraftfile: Kraftfile, fileSystem: any FileSystem,
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) throws {
    let kernel = try? KernelTree.locate(
      kraftfile: kraftfile, environment: environment, fileSystem: fileSystem)
    let catalog = PortCatalog(
      roots: PortCatalog.searchRoots(
        projectDirectory: kraftfile.directory, builtinPorts: kernel?.portsDirectory,
        environment: environment),
      fileSystem: fileSystem)
    let problems = catalog.versionProblems(in: kraftfile)
    if !problems.isEmpty { throw Diagnostics(problems) }
  }

  /// `{"kraftfile": <path>, "project": <the normalised Kraftfile>}`, keys sorted so the output
  /// is stable across runs.
  static func json(_ loaded: LoadedKraftfile) throws -> String {
    struct Report: Encodable {
      var kraftfile: String
      var project: Kraftfile
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    let data = try encoder.encode(Report(kraftfile: loaded.location.path, project: loaded.kraftfile))
    return String(decoding: data, as: UTF8.self)
  }
}
