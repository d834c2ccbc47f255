import Foundation
import KraftBasics
import KraftModel

/// What a build did: counts come from ninja's own progress, so a no-op rebuild reports 0.
public struct BuildOutcome: Hashable, Sendable {
  /// Compile steps run (C and assembly), including those the compile cache answered.
  public var compiled: Int
  /// Of `compiled`, how many came from the compile cache (local or remote) instead of the
  /// compiler; 0 without a cache.
  public var cached: Int = 0
  /// Of `cached`, how many came from the remote (team) cache.
  public var remote: Int = 0
  /// Compiles a distributed-compile helper ran (distcc); 0 without helpers.
  public var distributed: Int = 0
  /// Compiles no helper could take, run here instead.
  public var distributedFallbacks: Int = 0
  /// Images linked.
  public var linked: Int
  /// One report per target built, in plan order.
  public var reports: [String]
  /// Kernel libraries and ports whose objects came from the prebuilt store (or were already
  /// in place from it), which ninja did not compile; not counted in `compiled`.
  public var reused: [ReusedLibrary] = []
  /// Prebuilt entries found damaged (removed and compiled again): `library: why`.
  public var damagedPrebuilt: [String] = []
}

/// A port whose objects a build took from the prebuilt store, or the kernel libraries'.
public struct ReusedLibrary: Hashable, Sendable {
  /// The name standing for every kernel library.
  public static let kernel = "kernel"

  public var library: String
  public var objects: Int

  public init(library: String, objects: Int) {
    self.library = library
    self.objects = objects
  }
}

/// A compiler or linker failed. The message names the file and carries the tool's own
/// output; `-v` adds the command.
public struct BuildFailure: KraftError {
  public var kind: ErrorKind { .buildFailed }
  public var message: String
}

/// Runs a plan: writes `config.h`/`config.json` and the ninja files (only when their content
/// changed, so timestamps stay put), runs ninja, turns its output into progress, and writes a
/// size report per image.
public struct BuildExecutor: Sendable {
  public var fileSystem: FileSystem
  public var runner: ProcessRunner
  public var locator: ExecutableLocator
  public var jobs: Int
  public var verbose: Bool
  /// Added to ninja's environment, so every compiler and linker sees it (release builds:
  /// `SOURCE_DATE_EPOCH`, `TZ`, `LC_ALL`).
  public var environment: [String: String] = [:]
  /// The object cache compile steps go through, or nil.
  public var compileCache: CompileCache?
  /// The helpers compiles are spread over (distcc), or nil.
  public var distributedCompiles: DistributedCompiles?
  /// The project folder: paths inside it are hashed relative to it by the compile cache.
  public var projectDirectory: String = FileManager.default.currentDirectoryPath
  /// Whole ports' objects reused from kraft's prebuilt store, or nil (on with the compile cache).
  public var prebuiltLibraries: PrebuiltLibraries?
  /// Verified source trees (each port's prepared tree) and what identifies their content.
  public var verifiedTrees: [String: String] = [:]
  /// Each port's prepared tree, by name: its sources there are stored apart from its glue.
  public var portTrees: [String: String] = [:]

  public init(
    fileSystem: FileSystem, runner: ProcessRunner, locator: ExecutableLocator = ExecutableLocator(),
    jobs: Int = ProcessInfo.processInfo.activeProcessorCount + 1, verbose: Bool = false
  ) {
    self.fileSystem = fileSystem
    self.runner = runner
    self.locator = locator
    self.jobs = jobs
    self.verbose = verbose
  }

  /// Writes the generated files without building (used by `--dry-run` too, when asked).
  /// What runs each compile: ccache (which calls distcc for its misses), else distcc.
  var compilerLauncher: String? { compileCache?.launcher ?? distributedCompiles?.launcher }

  /// `reused`: objects put in place from the prebuilt store, which ninja must not compile.
  public func writeFiles(_ plan: BuildPlan, leavingOut reused: Set<String> = []) throws {
    var folders: Set<String> = []
    for target in plan.targets {
      try writeConfiguration(target)
      try fileSystem.writeTextIfChanged(
        NinjaFile.target(
          target, ownCompiles: plan.ownCompiles(of: target).filter { !reused.contains($0.object) },
          compilerLauncher: compilerLauncher),
        to: target.ninjaFile)
      for step in target.compiles
      where folders.insert(String(step.object[..<step.object.lastIndex(of: "/")!])).inserted {
        try fileSystem.createDirectory(String(step.object[..<step.object.lastIndex(of: "/")!]))
      }
    }
    if !plan.sharedCompiles.isEmpty {
      try fileSystem.writeTextIfChanged(
        NinjaFile.shared(plan, compilerLauncher: compilerLauncher, leavingOut: reused),
        to: plan.sharedNinjaFile)
    }
    try fileSystem.writeTextIfChanged(NinjaFile.topLevel(plan), to: plan.ninjaFile)
  }

  /// A target's `config.h` and `config.json`.
  func writeConfiguration(_ target: TargetBuildPlan) throws {
    try fileSystem.writeTextIfChanged(ConfigHeader.header(target.resolution), to: target.configHeader)
    try fileSystem.writeTextIfChanged(ConfigHeader.json(target.resolution), to: target.configJSON)
  }

  public func execute(_ plan: BuildPlan, progress: ProgressDisplay) throws -> BuildOutcome {
    guard let ninja = locator.find("ninja") else {
      throw MissingToolError(tool: "ninja", package: "ninja-build", purpose: "to run builds")
    }
    // Two builds of one project at once (an editor and a terminal) would run two ninjas over
    // the same objects and logs: the second waits for the first.
    let lock = try FileLock(path: plan.outputDirectory + "/.kraft-build.lock")
    defer { lock.unlock() }
    // The prebuilt store is looked up first: the ninja files leave out what it answers. Keys
    // read the files compiles can see, so `config.h` is in place before.
    for target in plan.targets { try writeConfiguration(target) }
    // Kernel libraries and ports: everything but the application's own sources, which change
    // most and stay with ccache file by file.
    let libraries = plan.targets.flatMap(\.resolution.libraries)
    let storedLibraries = Set(libraries.map(\.name))
    var ports: [String: (recipe: String, tree: String)] = [:]
    for port in libraries where port.kind == .port {
      ports[port.name] = (port.directory, portTrees[port.name] ?? port.sourceRoot)
    }
    func keyedGroups(_ prebuilt: PrebuiltLibraries) throws -> [PrebuiltLibraries.Group] {
      var keying = PrebuiltKey(
        fileSystem: fileSystem, verifiedTrees: verifiedTrees,
        outputDirectory: plan.outputDirectory, projectDirectory: projectDirectory)
      keying.memoDirectory = prebuilt.store.directory + "/places"
      return try prebuilt.groups(
        plan, libraries: storedLibraries, ports: ports, keying: keying, environment: environment)
    }
    var decision = try prebuiltLibraries.map { prebuilt in try prebuilt.prepare(try keyedGroups(prebuilt)) }
    // What the store missed is claimed until it is stored (after ninja): a build compiling
    // the same port at this moment finishes first, and what it stored is looked up again.
    var claims: [FileLock] = []
    defer { claims.forEach { $0.unlock() } }
    if let prebuilt = prebuiltLibraries, var first = decision, !first.missed.isEmpty {
      claims = try prebuilt.claim(first.missed) { group in
        progress.message("waiting for another build compiling \(group.library) with the same key")
      }
      let again = try prebuilt.prepare(first.missed)
      first.reused += again.reused
      first.missed = again.missed
      first.damaged += again.damaged
      decision = first
    }
    if prebuiltLibraries == nil {
      // Without the store (`--no-compile-cache`), objects an earlier build linked from it are
      // compiled again: into files of their own, never into the store's.
      PrebuiltLibraries.breakLinks(
        plan.targets.flatMap(\.compiles).filter { storedLibraries.contains($0.library) }.map(\.object))
    }
    try writeFiles(plan, leavingOut: decision?.reusedObjects ?? [])

    let commands = Dictionary(
      plan.targets.flatMap { target in
        target.compiles.map { ($0.description, $0.command) }
          + [target.link, target.strip].map { ($0.description, $0.command) }
      }, uniquingKeysWith: { first, _ in first })
    // One stats record per compile of this build, read for the counts (ccache's own totals
    // are shared by every build that uses the cache at the same time).
    let cacheLog = compileCache.map { _ in
      CountingLog<CompileCacheLog.Counts>(path: plan.outputDirectory + "/.kraft-ccache.log")
    }
    var buildEnvironment = environment.merging(["NINJA_STATUS": "[%f/%t] "]) { $1 }
    if let compileCache, let cacheLog {
      try cacheLog.reset()
      try fileSystem.createDirectory(compileCache.directory, exactly: 0o755)
      buildEnvironment.merge(
        compileCache.environment(baseDirectory: projectDirectory, statsLog: cacheLog.path)
      ) { $1 }
    }
    let distccLog = distributedCompiles.map { _ in
      CountingLog<DistccLog.Counts>(path: plan.outputDirectory + "/.kraft-distcc.log")
    }
    if let distributedCompiles, let distccLog {
      try distccLog.reset()
      try fileSystem.createDirectory(distributedCompiles.directory, exactly: 0o755)
      buildEnvironment.merge(
        distributedCompiles.environment(log: distccLog.path, throughCompileCache: compileCache != nil)
      ) { $1 }
    }
    let state = ParseState(cacheLog: cacheLog, distccLog: distccLog)
    let result = try runner.run(
      ProcessCommand(
        ninja, ["-f", plan.ninjaFile, "-j", String(jobs)] + plan.targets.map(\.image),
        environment: buildEnvironment),
      output: .lines { line in
        state.consume(line, progress: progress, verbose: verbose, commands: commands)
      })
    progress.finish()
    let parser = state.finish()
    guard result.status == 0 else {
      throw failure(parser.failures, plan: plan)
    }
    if let prebuiltLibraries, let decision, !decision.missed.isEmpty {
      // Keyed again: a source edited while ninja ran may be in the objects but not in the key
      // taken before, and storing them under it would hand the edit to every later build of
      // the unedited sources. Such a group is left to ccache and the next build.
      let unchanged = PrebuiltLibraries.keptTheirKeys(
        decision.missed, rekeyed: try keyedGroups(prebuiltLibraries))
      for group in decision.missed where !unchanged.contains(group) {
        progress.message("not storing \(group.label)'s objects: its sources changed during the build")
      }
      try prebuiltLibraries.store(unchanged)
    }

    var reports: [String] = []
    for target in plan.targets {
      let map = (try? fileSystem.readText(target.mapFile)) ?? ""
      try ExportCheck.enforce(map: map, target: target, fileSystem: fileSystem)
      let report = SizeReport(map: map).rendered(
        image: target.image, imageBytes: fileSystem.fileSize(target.image),
        debugBytes: fileSystem.fileSize(target.debugImage))
      try fileSystem.writeTextIfChanged(report, to: target.reportFile)
      reports.append(report)
    }
    let counts = cacheLog?.counts() ?? CompileCacheLog.Counts()
    let distributed = distccLog?.counts() ?? DistccLog.Counts()
    return BuildOutcome(
      compiled: state.compiled, cached: counts.cached, remote: counts.remote,
      distributed: distributed.remote, distributedFallbacks: distributed.fellBack, linked: state.linked,
      reports: reports, reused: Self.reusedCounts(decision?.reused ?? []),
      damagedPrebuilt: decision?.damaged.map { "\($0.library): \($0.reason)" } ?? [])
  }

  /// Objects reused per port (its glue and upstream parts together), ports in plan order,
  /// after the kernel libraries' together (`kernel`), which are many and small.
  static func reusedCounts(_ groups: [PrebuiltLibraries.Group]) -> [ReusedLibrary] {
    var counts: [ReusedLibrary] = []
    for group in groups.filter({ $0.part == .kernel }) + groups.filter({ $0.part != .kernel }) {
      let name = group.part == .kernel ? ReusedLibrary.kernel : group.library
      if let index = counts.firstIndex(where: { $0.library == name }) {
        counts[index].objects += group.steps.count
      } else {
        counts.append(ReusedLibrary(library: name, objects: group.steps.count))
      }
    }
    return counts
  }

  private func failure(_ failures: [NinjaOutputParser.Failure], plan: BuildPlan) -> BuildFailure {
    guard !failures.isEmpty else {
      return BuildFailure(message: "the build failed; run 'kraft build -v' to see the commands")
    }
    let steps = plan.targets.flatMap(\.compiles)
    var parts: [String] = []
    for failed in failures {
      let what: String
      var hint: String?
      if let step = steps.first(where: { failed.outputs.contains($0.object) }) {
        what = "compiling '\(step.source)' (library '\(step.library)') failed"
        if let header = failed.missingLibcHeader,
          let target = plan.targets.first(where: { $0.compiles.contains(step) })
        {
          hint = MissingHeaderHint.hint(header: header, library: step.library, target: target)
        }
      } else if let target = plan.targets.first(where: { failed.outputs.contains($0.debugImage) }) {
        what = "linking '\(target.debugImage)' failed"
      } else {
        what = "producing '\(failed.outputs.joined(separator: " "))' failed"
      }
      var text = what + ":"
      if verbose { text += "\n" + failed.command }
      text += "\n" + failed.messages.joined(separator: "\n")
      if let hint { text += "\n" + hint }
      parts.append(text)
    }
    return BuildFailure(message: parts.joined(separator: "\n"))
  }

}

/// Counts and parser state shared with the line handler (which runs on the reading thread).
private final class ParseState: @unchecked Sendable {
  private let lock = NSLock()
  private var parser = NinjaOutputParser()
  private(set) var compiled = 0
  private(set) var linked = 0
  private let cacheLog: CountingLog<CompileCacheLog.Counts>?
  private let distccLog: CountingLog<DistccLog.Counts>?

  init(cacheLog: CountingLog<CompileCacheLog.Counts>?, distccLog: CountingLog<DistccLog.Counts>?) {
    self.cacheLog = cacheLog
    self.distccLog = distccLog
  }

  func consume(
    _ line: String, progress: ProgressDisplay, verbose: Bool, commands: [String: [String]]
  ) {
    lock.lock()
    defer { lock.unlock() }
    switch parser.consume(line) {
    case .step(let finished, let total, let description)?:
      if description.hasPrefix("CC ") || description.hasPrefix("AS ") { compiled += 1 }
      if description.hasPrefix("LD ") { linked += 1 }
      if verbose, let command = commands[description] {
        progress.message(command.map(ShellQuoting.quote).joined(separator: " "))
      }
      progress.step(finished, of: total, description)
      // On a terminal the one line also says how many compiles the cache answered and how
      // many helpers ran (a no-op elsewhere: logs keep one plain line per step, the summary
      // has the counts).
      if cacheLog != nil || distccLog != nil {
        let cached = cacheLog?.progressCounts().cached
        let remote = distccLog?.progressCounts().remote
        let counts =
          ["compiled \(max(0, compiled - (cached ?? 0)))"] + (cached.map { ["cached \($0)"] } ?? [])
          + (remote.map { ["distributed \($0)"] } ?? [])
        progress.status("[\(finished)/\(total)] \(counts.joined(separator: ", ")): " + description)
      }
    case .output(let text)?:
      progress.message(text)
    case nil:
      break
    }
  }

  func finish() -> NinjaOutputParser {
    lock.lock()
    defer { lock.unlock() }
    parser.finish()
    return parser
  }
}
