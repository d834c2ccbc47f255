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

  @Flag(help: "Fail when Kraftfile.lock is missing or disagrees with the Kraftfile (docs/ports.md).")
  var locked = false

  @Flag(help: "Use only the source cache for ports; fail naming what is missing.")
  var offline = false

  func run() throws {
    let loaded = try project.load()
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
    let targets = try context.layout.targets(named: target)
    var releaseBuild =
      release
      ? try ReleaseBuild.prepare(
        ReleaseBuild.Request(
          kraftfilePath: loaded.location.path, compiler: compiler, cflags: cflags,
          allowToolchainChange: allowToolchainChange),
        project: context, targets: targets, runner: SystemProcessRunner()) : nil
    var plan = try context.plan(
      targets: targets, compiler: compiler,
      extraCFlags: cflags.flatMap { $0.split(separator: " ").map(String.init) })
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
      let bytes =
        try releaseBuild?.initrd(forRootfs: rootfsPath)
        ?? CpioWriter(environment: ProcessInfo.processInfo.environment).initrd(forRootfs: rootfsPath)
      let path = context.layout.initrd
      if FileManager.default.contents(atPath: path).map([UInt8].init) != bytes {
        try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
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

  private func relative(_ path: String, to directory: String) -> String {
    path.hasPrefix(directory + "/") ? String(path.dropFirst(directory.count + 1)) : path
  }
}
