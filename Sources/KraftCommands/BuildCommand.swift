import ArgumentParser
import Foundation
import KraftBasics
import KraftBuild
import KraftFetch
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

  @Option(
    name: [.short, .long], help: "Parallel jobs (default: cores + 1, plus the slots of KRAFT_DISTCC_HOSTS).")
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
    name: .customLong("no-compile-cache"),
    help: "Compile without the object cache (ccache, on when installed; docs/building.md).")
  var noCompileCache = false

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
    let portSources = try LockedPortSources.commandLine(
      kraftfile: loaded.kraftfile, offline: offline, locked: locked, release: release)
    let context = ProjectBuild(kraftfile: loaded.kraftfile, portSources: portSources)
    let compileCache = try compileCache()
    let distributedCompiles = try distributedCompiles()
    let localJobs = ProcessInfo.processInfo.activeProcessorCount + 1
    let builder = ProjectBuilder(
      project: context,
      options: ProjectBuilder.Options(
        targets: try targetFilter.targets(context.layout, named: target), compiler: compiler,
        extraCFlags: cflags.flatMap { $0.split(separator: " ").map(String.init) },
        release: release ? releaseRequest(kraftfilePath: loaded.location.path) : nil, dryRun: dryRun,
        rootfsOutsideProject: rootfsOutsideProject,
        jobs: jobs ?? distributedCompiles?.defaultJobs(localJobs: localJobs) ?? localJobs,
        verbose: verbose, compileCache: compileCache, distributedCompiles: distributedCompiles,
        mentionsDirectory: SourceCache.defaultRoot(environment: ProcessInfo.processInfo.environment)
          + "/mentions"))
    let planned = try builder.plan()
    let directory = loaded.kraftfile.directory
    if let lock = planned.release?.recordedLock {
      print("pinned the toolchain and source date in \(relative(lock, to: directory))")
    }
    KraftfileWarnings.report(
      resolution: planned.plan.targets.flatMap(\.resolution.warnings), of: loaded)
    if dryRun {
      print(BuildPlanPrinter.text(planned.plan, verbose: verbose), terminator: "")
      return
    }
    if noCache {
      for built in planned.plan.targets {
        try CleanCommand.removeOutputs(of: built.target, context.layout)
      }
    }
    let built = try builder.build(planned, progress: StandardStream.out)
    for damaged in built.outcome.damagedPrebuilt {
      StandardStream.error.write(
        "kraft: warning: a prebuilt entry of \(damaged); it was removed and compiled again\n")
    }
    if built.outcome.compiled == 0 && built.outcome.linked == 0 {
      print("nothing to do: every image is up to date")
    } else {
      print(
        summary(built.outcome, cacheUsed: compileCache != nil, distributed: distributedCompiles != nil))
      if built.outcome.distributedFallbacks > 0 {
        StandardStream.error.write(
          "kraft: warning: \(built.outcome.distributedFallbacks) compiles ran here because no distcc helper "
            + "took them; are the helpers in KRAFT_DISTCC_HOSTS ('\(distributedCompiles?.hosts ?? "")') "
            + "running and reachable? (details in \(relative(built.plan.outputDirectory, to: directory))/.kraft-distcc.log)\n"
        )
      }
    }
    if let initrd = built.initrd { print("rootfs: \(relative(initrd, to: directory))") }
    for (index, target) in built.plan.targets.enumerated() {
      print("\(target.target.shortForm): \(relative(target.image, to: directory))")
      if verbose { print(built.outcome.reports[index], terminator: "") }
    }
    for written in built.releaseArtifacts {
      print("release: \(relative(written, to: directory))")
    }
  }

  private func compileCache() throws -> CompileCache? {
    let environment = ProcessInfo.processInfo.environment
    return try CompileCacheSettings.resolve(
      disabled: noCompileCache, environment: environment,
      cacheRoot: SourceCache.defaultRoot(environment: environment))
  }

  private func distributedCompiles() throws -> DistributedCompiles? {
    let environment = ProcessInfo.processInfo.environment
    return try DistributedCompileSettings.resolve(
      environment: environment, cacheRoot: SourceCache.defaultRoot(environment: environment))
  }

  /// `compiled 33 files (cached 30, remote 0, distributed 3), reused musl (1363 objects),
  /// linked 1 images`: the compile steps ninja ran; of those how many the compile cache
  /// answered, and of the cache's how many the team cache (only when a cache was used); how
  /// many distcc helpers ran (only with KRAFT_DISTCC_HOSTS); and the ports whose objects came
  /// whole from the prebuilt store instead of ninja.
  private func summary(_ outcome: BuildOutcome, cacheUsed: Bool, distributed: Bool) -> String {
    let counts =
      (cacheUsed ? ["cached \(outcome.cached)", "remote \(outcome.remote)"] : [])
      + (distributed ? ["distributed \(outcome.distributed)"] : [])
    let details = counts.isEmpty ? "" : " (" + counts.joined(separator: ", ") + ")"
    let reused = outcome.reused.map { "\($0.library) (\($0.objects) objects)" }
    let reusedText = reused.isEmpty ? "" : ", reused " + reused.joined(separator: ", ")
    return "compiled \(outcome.compiled) files\(details)\(reusedText), linked \(outcome.linked) images"
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
