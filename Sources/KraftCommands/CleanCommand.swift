import ArgumentParser
import KraftBasics
import KraftBuild
import KraftModel

/// `kraft clean`: removes build outputs (objects, images) but keeps fetched sources.
/// `kraft properclean` (below, same job at a larger scale) also removes the project's
/// `.unikraft/` folder with its fetched sources. Both remove only what kraft wrote
/// (`OutputDirectory`): files a user keeps in `outdir` stay.
struct CleanCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "clean",
    abstract: "Remove build outputs (objects, images); keep fetched sources.",
    discussion: """
      Removes only what kraft writes: the whole of .unikraft/build, or in an 'outdir' the \
      images, their companions, each target's build folder, the ninja files and the initrd; \
      other files there stay.
      """)

  @OptionGroup var project: ProjectOptions

  @Option(
    name: [.customShort("t"), .long],
    help: ArgumentHelp("Only this target's outputs (its name or plat/arch); repeatable.", valueName: "target")
  )
  var target: [String] = []

  @OptionGroup var targetFilter: PlatformArchitectureOptions

  func run() throws {
    let layout = ProjectLayout(kraftfile: try project.load().kraftfile)
    if !target.isEmpty || targetFilter.platform != nil || targetFilter.architecture != nil {
      // Only the chosen targets' images and build folders, by name (links are removed, never
      // followed); other targets' outputs stay.
      for chosen in try targetFilter.targets(layout, named: target) {
        try Self.removeOutputs(of: chosen, layout)
        print("removed \(chosen.shortForm) outputs from \(layout.outputDirectory)")
      }
      return
    }
    let removed = try OutputDirectory(layout: layout).clean()
    print(removed.isEmpty ? "nothing to remove" : "removed \(layout.outputDirectory)")
  }

  /// One target's image, its companions, its build folder (objects, ninja file) and the
  /// folders of objects it shares with other targets of its architecture.
  static func removeOutputs(of target: Target, _ layout: ProjectLayout) throws {
    let image = layout.image(for: target)
    let shared = SharedObjects.folderNames(for: layout.kraftfile.targets, sharedBy: target)
    let outputs =
      [
        image, layout.debugImage(for: target), image + ".map", image + ".report",
        layout.outputDirectory + "/" + TargetBuildPlan.key(target),
      ] + shared.map { layout.outputDirectory + "/" + $0 }
    for path in outputs where OutputDirectory.lexists(path) {
      try OutputDirectory.removeEntry(path)
    }
  }
}

struct ProperCleanCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "properclean",
    abstract: "Remove build outputs and this project's fetched sources (.unikraft/).",
    discussion: """
      .unikraft/ also holds 'kraft port edit' workspaces (.unikraft/ports/NAME-src); \
      properclean refuses while one has edits not yet turned into a patch with \
      'kraft port diff NAME', unless --force is given.
      """)

  @OptionGroup var project: ProjectOptions

  @Flag(help: "Remove .unikraft/ even when a 'kraft port edit' workspace there has unsaved edits.")
  var force = false

  func run() throws {
    let layout = ProjectLayout(kraftfile: try project.load().kraftfile)
    // Checked before anything is removed, so a refusal deletes nothing. A linked `.unikraft`
    // is only unlinked below, so workspaces behind the link are not at risk.
    if !force && OutputDirectory.isRealFolder(layout.workDirectory) {
      try Self.refuseUnsavedWorkspaces(projectDirectory: layout.kraftfile.directory)
    }
    let output = OutputDirectory(layout: layout)
    // An `outdir` outside `.unikraft/` loses only kraft's outputs; `.unikraft/` is kraft's
    // own folder (a link there is removed, never what it points to).
    if !output.path.hasPrefix(layout.workDirectory + "/"), try !output.clean().isEmpty {
      print("removed \(layout.outputDirectory)")
    }
    if OutputDirectory.lexists(layout.workDirectory) {
      try OutputDirectory.removeEntry(layout.workDirectory)
      print("removed \(layout.workDirectory)")
    }
  }

  /// Throws, naming every port whose `kraft port edit` workspace has edits that no patch holds.
  static func refuseUnsavedWorkspaces(projectDirectory: String) throws {
    let tool = PortWorkspace(runner: SystemProcessRunner(), fileSystem: LocalFileSystem())
    let unsaved: [(name: String, path: String)]
    do {
      unsaved = try PortWorkspace.workspaces(projectDirectory: projectDirectory).filter {
        try tool.hasUnsavedEdits(workspace: $0.path)
      }
    } catch let error as PortError {
      // No git, or a broken workspace: its edits cannot be checked, so they are not dropped.
      throw PortError(
        error.kind,
        "cannot check '\(projectDirectory)/.unikraft/ports' for unsaved edits: \(error.message); "
          + "or run 'kraft properclean --force' to remove it anyway")
    }
    guard !unsaved.isEmpty else { return }
    let lines = unsaved.map {
      "\n  '\($0.name)' in '\($0.path)': 'kraft port diff \($0.name)' saves them as a patch"
    }
    throw PortError(
      .usage,
      "not removing '\(projectDirectory)/.unikraft': 'kraft port edit' workspaces there have "
        + "edits not saved as a patch:" + lines.joined()
        + "\nsave them first, or run 'kraft properclean --force' to remove them anyway")
  }
}
