import ArgumentParser
import Foundation
import KraftBasics
import KraftBuild
import KraftManifest
import KraftModel

/// The options every command that reads a project shares: `-K/--kraftfile PATH` and an
/// optional project folder argument. Use it with `@OptionGroup var project: ProjectOptions`
/// and call `load()`.
public struct ProjectOptions: ParsableArguments {
  @Option(
    name: [.customShort("K"), .customLong("kraftfile")],
    help: ArgumentHelp(
      "The Kraftfile to use, instead of looking for one in the project folder.",
      valueName: "path"))
  public var kraftfile: String?

  @Argument(
    help: ArgumentHelp(
      "The project folder or its Kraftfile (default: the current folder). In a folder kraft "
        + "looks for kraft.yaml, "
        + "kraft.yml, Kraftfile.yml, Kraftfile.yaml or Kraftfile.",
      valueName: "project"))
  public var project: String?

  public init() {}

  /// Finds, reads and parses the Kraftfile, prints its warnings (`KraftfileWarnings`), and refuses an `outdir` that is not kraft's to
  /// write and clean (`OutputDirectory`). Throws `KraftfileNotFound` (exit 66) or
  /// `Diagnostics` (exit 65), which `Kraft.main()` reports.
  public func load(
    fileSystem: any FileSystem = LocalFileSystem(),
    environment: [String: String] = ProcessInfo.processInfo.environment,
    currentDirectory: String = FileManager.default.currentDirectoryPath
  ) throws -> LoadedKraftfile {
    let loaded = try loader(
      fileSystem: fileSystem, environment: environment, currentDirectory: currentDirectory
    ).load(kraftfile: kraftfile, project: project)
    KraftfileWarnings.report(loaded, environment: environment)
    if let problem = OutputDirectory(layout: ProjectLayout(kraftfile: loaded.kraftfile)).problem() {
      throw Diagnostics([Diagnostic(problem, at: loaded.location(ofTopLevelKey: "outdir"))])
    }
    return loaded
  }

  public func loader(
    fileSystem: any FileSystem = LocalFileSystem(),
    environment: [String: String] = ProcessInfo.processInfo.environment,
    currentDirectory: String = FileManager.default.currentDirectoryPath
  ) -> KraftfileLoader {
    KraftfileLoader(
      fileSystem: fileSystem, environment: environment, currentDirectory: currentDirectory)
  }
}
