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
    currentDirectory: String? = nil
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
    currentDirectory: String? = nil
  ) -> KraftfileLoader {
    .forCommand(fileSystem: fileSystem, environment: environment, currentDirectory: currentDirectory)
  }
}

/// `-K PATH` and `--project DIR`: the project selection of commands whose positional
/// arguments are something else (port names for `kraft lock` and `kraft port`, files for
/// `kraft mirror`), so the project folder is an option there.
struct ProjectFolderOptions: ParsableArguments {
  @Option(
    name: [.customShort("K"), .customLong("kraftfile")],
    help: ArgumentHelp("The Kraftfile to use.", valueName: "path"))
  var kraftfile: String?

  @Option(help: ArgumentHelp("The project folder (default: the current folder).", valueName: "dir"))
  var project: String?

  /// Finds, reads and parses the Kraftfile and prints its warnings.
  func load(environment: [String: String] = ProcessInfo.processInfo.environment) throws
    -> LoadedKraftfile
  {
    let loaded = try KraftfileLoader.forCommand(environment: environment)
      .load(kraftfile: kraftfile, project: project)
    KraftfileWarnings.report(loaded, environment: environment)
    return loaded
  }
}

extension KraftfileLoader {
  /// The loader of a command: the real file system (unless a test gives one), the process's
  /// environment, and relative paths taken against the working folder.
  static func forCommand(
    fileSystem: any FileSystem = LocalFileSystem(),
    environment: [String: String] = ProcessInfo.processInfo.environment,
    currentDirectory: String? = nil
  ) -> KraftfileLoader {
    KraftfileLoader(
      fileSystem: fileSystem, environment: environment,
      currentDirectory: currentDirectory ?? fileSystem.currentDirectory)
  }
}
