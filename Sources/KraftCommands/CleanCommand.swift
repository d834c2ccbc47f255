import ArgumentParser
import KraftBasics
import KraftBuild

/// `kraft clean`: removes build outputs (objects, images) but keeps fetched sources.
/// `kraft properclean` (below, same job at a larger scale) also removes the project's
/// `.unikraft/` folder with its fetched sources.
struct CleanCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "clean",
    abstract: "Remove build outputs (objects, images); keep fetched sources.")

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
      // Only the chosen targets' images and build folders; other targets' stay.
      let fileSystem = LocalFileSystem()
      for chosen in try targetFilter.targets(layout, named: target) {
        let image = layout.image(for: chosen)
        let outputs = [
          image, layout.debugImage(for: chosen), image + ".map", image + ".report",
          layout.outputDirectory + "/" + TargetBuildPlan.key(chosen),
        ]
        for path in outputs where fileSystem.exists(path) { try fileSystem.remove(path) }
        print("removed \(chosen.shortForm) outputs from \(layout.outputDirectory)")
      }
      return
    }
    try LocalFileSystem().remove(layout.outputDirectory)
    print("removed \(layout.outputDirectory)")
  }
}

struct ProperCleanCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "properclean",
    abstract: "Remove build outputs and this project's fetched sources (.unikraft/).")

  @OptionGroup var project: ProjectOptions

  func run() throws {
    let layout = ProjectLayout(kraftfile: try project.load().kraftfile)
    let fileSystem = LocalFileSystem()
    // `outdir` may lie outside `.unikraft/`; otherwise removing `.unikraft/` covers it.
    var folders = [layout.workDirectory]
    if !layout.outputDirectory.hasPrefix(layout.workDirectory + "/") {
      folders.append(layout.outputDirectory)
    }
    for folder in folders where fileSystem.exists(folder) {
      try fileSystem.remove(folder)
      print("removed \(folder)")
    }
  }
}
