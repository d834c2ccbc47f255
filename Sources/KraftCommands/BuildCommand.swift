import ArgumentParser
import Foundation
import KraftBasics
import KraftBuild
import KraftManifest
import KraftModel

/// `kraft build`: resolve libraries and options per target, compile with ninja (in parallel,
/// incrementally), link one image per target.
struct BuildCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "build",
    abstract: "Build one bootable image per target of the Kraftfile.",
    discussion: """
      Images go to .unikraft/build/ (or the Kraftfile's outdir) as <name>_<plat>-<arch>, with \
      an unstripped .dbg twin, a .map and a .report of sizes per library. A second build with \
      nothing changed compiles nothing. See docs/building.md.
      """)

  @OptionGroup var project: ProjectOptions

  @Option(
    name: [.customShort("t"), .long],
    help: ArgumentHelp("Build only this target (its name or plat/arch); repeatable.", valueName: "target"))
  var target: [String] = []

  @OptionGroup var targetFilter: PlatformArchitectureOptions

  @Flag(name: .long, help: "Print the plan (libraries and steps) without building.")
  var dryRun = false

  @Flag(name: [.short, .long], help: "Show every command.")
  var verbose = false

  @Option(name: [.short, .long], help: "Parallel jobs (default: cores + 1).")
  var jobs: Int?

  @Option(
    help: ArgumentHelp(
      "The compiler: clang (default), gcc, or a compiler's name or path.", valueName: "compiler"))
  var compiler: String?

  @Option(
    help: ArgumentHelp("Extra flags for every compilation (split on blanks); repeatable.", valueName: "flags")
  )
  var cflags: [String] = []

  @Flag(
    help: """
      Build reproducibly: needs a complete Kraftfile.lock, pins the toolchain in \
      Kraftfile.release.lock, and writes a release manifest and an SPDX bill of materials \
      beside each image (docs/releases.md).
      """)
  var release = false

  @Flag(help: "With --release: accept a toolchain other than the pinned one, and pin it.")
  var allowToolchainChange = false

  @Flag(
    name: .customLong("no-cache"),
    help: "Rebuild the chosen targets from scratch: remove their objects and images first (kraftkit's flag).")
  var noCache = false

  @Flag(
    name: .customLong("no-update"),
    help: ArgumentHelp(
      "Accepted for kraftkit's command lines: kraft has no package index to update; it fetches only what the Kraftfile and its lock pin."
    ))
  var noUpdate = false

  @Flag(help: "Fail when Kraftfile.lock is missing or disagrees with the Kraftfile (docs/ports.md).")
  var locked = false

  @Flag(help: "Use only the source cache for ports; fail naming what is missing.")
  var offline = false

  @Flag(
    help: ArgumentHelp(
      "Allow a 'rootfs:' outside the project folder (by default refused, so that a Kraftfile "
        + "cannot pack host files such as /etc into an image)."))
  var rootfsOutsideProject = false

  func run() throws {
    let loaded = try project.load()
    try RuntimeImageSupport.checkBuildable(loaded.kraftfile)
    let portSources = try LockedPortSources(
      fetcher: LockedPortSources.fetcher(
        offline: offline, environment: ProcessInfo.processInfo.environment),
      kraftfileDirectory: loaded.kraftfile.directory,
      // A release takes the lock strictly; without ports it needs none (ReleaseBuild checks).
      locked: locked
        || (release
          && FileManager.default.fileExists(
            atPath: loaded.kraftfile.directory + "/" + LockfileCodec.fileName))
    )
    let context = ProjectBuild(kraftfile: loaded.kraftfile, portSources: portSources)
    let targets = try targetFilter.targets(context.layout, named: target)
    var releaseBuild =
      release
      ? try ReleaseBuild.prepare(
        releaseRequest(kraftfilePath: loaded.location.path), project: context, targets: targets,
        runner: SystemProcessRunner()) : nil
    var plan = try context.plan(
      targets: targets, compiler: compiler,
      extraCFlags: cflags.flatMap { $0.split(separator: " ").map(String.init) })
    KraftfileWarnings.report(resolution: plan.targets.flatMap(\.resolution.warnings), of: loaded)
    if releaseBuild != nil {
      plan = try releaseBuild!.makeReproducible(
        plan, fileSystem: context.fileSystem, record: !dryRun)
      if let lock = releaseBuild!.recordedLock {
        print("pinned the toolchain and source date in \(relative(lock, to: loaded.kraftfile.directory))")
      }
    }

    if dryRun {
      print(BuildPlanPrinter.text(plan, verbose: verbose), terminator: "")
      return
    }
    // Refused before compiling anything rather than after.
    let rootfsPolicy = RootfsPolicy(
      projectDirectory: loaded.kraftfile.directory, allowOutsideProject: rootfsOutsideProject)
    if let rootfs = loaded.kraftfile.rootfs {
      try rootfsPolicy.checkLocation(loaded.kraftfile.resolvedPath(rootfs))
    }
    if noCache {
      for built in plan.targets { try CleanCommand.removeOutputs(of: built.target, context.layout) }
    }
    // A new `outdir` is created stamped as kraft's, so that later runs may write and clean it.
    try OutputDirectory(layout: context.layout).prepare()
    var executor = BuildExecutor(
      fileSystem: context.fileSystem, runner: SystemProcessRunner(),
      jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount + 1, verbose: verbose)
    executor.environment = releaseBuild?.environment ?? [:]
    let outcome = try executor.execute(plan, progress: ProgressDisplay(output: StandardStream.out))
    if outcome.compiled == 0 && outcome.linked == 0 {
      print("nothing to do: every image is up to date")
    } else {
      print("compiled \(outcome.compiled) files, linked \(outcome.linked) images")
    }
    if let rootfs = loaded.kraftfile.rootfs {
      // kraft run passes it with -initrd; the kernel unpacks it at / (docs/libc.md).
      let rootfsPath = loaded.kraftfile.resolvedPath(rootfs)
      let path = context.layout.initrd
      if let releaseBuild {
        try releaseBuild.writeInitrd(forRootfs: rootfsPath, policy: rootfsPolicy, to: path)
      } else {
        try CpioWriter(environment: ProcessInfo.processInfo.environment)
          .writeInitrd(forRootfs: rootfsPath, policy: rootfsPolicy, to: path)
      }
      print("rootfs: \(relative(path, to: loaded.kraftfile.directory))")
    }
    for (index, built) in plan.targets.enumerated() {
      print("\(built.target.shortForm): \(relative(built.image, to: loaded.kraftfile.directory))")
      if verbose { print(outcome.reports[index], terminator: "") }
    }
    releaseBuild?.portTools = portSources.prepared.mapValues(\.tools)
    for written in try releaseBuild?.writeArtifacts(fileSystem: context.fileSystem) ?? [] {
      print("release: \(relative(written, to: loaded.kraftfile.directory))")
    }
  }

  /// What a release records of this command line, for its manifest's rebuild command.
  func releaseRequest(kraftfilePath: String) -> ReleaseBuild.Request {
    ReleaseBuild.Request(
      kraftfilePath: kraftfilePath, compiler: compiler, cflags: cflags,
      allowToolchainChange: allowToolchainChange, rootfsOutsideProject: rootfsOutsideProject)
  }

  private func relative(_ path: String, to directory: String) -> String {
    path.hasPrefix(directory + "/") ? String(path.dropFirst(directory.count + 1)) : path
  }
}
