import ArgumentParser
import Foundation
import KraftBasics
import KraftBuild
import KraftFetch
import KraftModel

/// `kraft port edit NAME`: an editable git checkout of the port's patched source.
struct PortEditCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "edit", abstract: "Make an editable copy of a port's patched source.")

  @Argument(help: "The port's name, optionally NAME@VERSION.")
  var reference: String

  @Option(
    help: ArgumentHelp(
      "Where to put the copy (default: .unikraft/ports/NAME-src in the project).", valueName: "dir"))
  var into: String?

  @OptionGroup var project: ProjectFolderOptions

  func run() throws {
    let context = try PortContext(project, requireProject: false)
    let (name, version) = PortContext.split(reference)
    let entry = try context.catalog.port(named: name)
    try PortContext.checkVersion(version, of: entry.description)
    let prepared = try context.fetcher().prepare(
      port: entry.description.recipe, version: version, lock: nil)
    let workspace = PortEditCommand.workspace(into, name: name, context: context)
    try PortWorkspace(runner: SystemProcessRunner(), fileSystem: context.fileSystem)
      .create(port: entry.description, prepared: prepared, workspace: workspace)
    print("edit '\(workspace)', then 'kraft port diff \(name) -m \"what it changes\"'")
  }

  static func workspace(_ into: String?, name: String, context: PortContext) -> String {
    guard let into else {
      return PortWorkspace.defaultPath(
        name: name, projectDirectory: context.location?.directory ?? context.currentDirectory)
    }
    return into.hasPrefix("/") ? into : context.currentDirectory + "/" + into
  }
}

/// `kraft port diff NAME -m SUBJECT`: the workspace's edits become the next numbered patch.
struct PortDiffCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "diff", abstract: "Turn the edits of 'kraft port edit' into the next patch.")

  @Argument(help: "The port's name.")
  var name: String

  @Option(name: [.customShort("m"), .customLong("message")], help: "The patch's subject line.")
  var message: String = ""

  @Option(
    help: ArgumentHelp(
      "The workspace (default: .unikraft/ports/NAME-src in the project).", valueName: "dir"))
  var into: String?

  @OptionGroup var project: ProjectFolderOptions

  func run() throws {
    let context = try PortContext(project, requireProject: false)
    let entry = try context.catalog.port(named: name)
    let workspace = PortEditCommand.workspace(into, name: name, context: context)
    let path = try PortWorkspace(runner: SystemProcessRunner(), fileSystem: context.fileSystem)
      .diff(port: entry.description, workspace: workspace, subject: message)
    // The new patch set must apply to the pristine upstream, as a build would apply it.
    let reloaded = try context.catalog.port(named: name)
    _ = try context.fetcher().prepare(port: reloaded.description.recipe, version: nil, lock: nil)
    print("wrote '\(path)'; the patch set applies cleanly")
  }
}
