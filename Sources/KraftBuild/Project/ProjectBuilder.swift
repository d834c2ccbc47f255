import Foundation
import KraftBasics
import KraftModel

/// `kraft build` below the command line: the pipeline resolve → fetch → plan (made
/// reproducible for a release) in `plan`, then execute → package in `build`.
public struct ProjectBuilder: Sendable {
  /// What the command line chose.
  public struct Options: Sendable {
    public var targets: [Target]
    /// `--compiler`; nil: the Kraftfile's `x-build`, else clang.
    public var compiler: String?
    /// `--cflags`, already split into flags.
    public var extraCFlags: [String]
    /// Set for `--release`: what the command line asked for, recorded in the manifests.
    public var release: ReleaseBuild.Request?
    /// A dry run plans (and checks a release's locks) but writes nothing.
    public var dryRun: Bool
    public var rootfsOutsideProject: Bool
    public var jobs: Int
    public var verbose: Bool
    /// The object cache compiles go through (`CompileCacheSettings`), or nil.
    public var compileCache: CompileCache?
    /// The helpers compiles are spread over (`DistributedCompileSettings`), or nil.
    public var distributedCompiles: DistributedCompiles?
    /// Where ports' option names are remembered between builds (`TreeMentionFiles`; kraft's
    /// cache), or nil to read each port's tree on every build. A dry run writes none.
    public var mentionsDirectory: String?

    public init(
      targets: [Target], compiler: String? = nil, extraCFlags: [String] = [],
      release: ReleaseBuild.Request? = nil, dryRun: Bool = false, rootfsOutsideProject: Bool = false,
      jobs: Int = ProcessInfo.processInfo.activeProcessorCount + 1, verbose: Bool = false,
      compileCache: CompileCache? = nil, distributedCompiles: DistributedCompiles? = nil,
      mentionsDirectory: String? = nil
    ) {
      self.mentionsDirectory = mentionsDirectory
      self.compileCache = compileCache
      self.distributedCompiles = distributedCompiles
      self.targets = targets
      self.compiler = compiler
      self.extraCFlags = extraCFlags
      self.release = release
      self.dryRun = dryRun
      self.rootfsOutsideProject = rootfsOutsideProject
      self.jobs = jobs
      self.verbose = verbose
    }
  }

  /// The plan to build, and what the later steps need of the earlier ones.
  public struct Planned: Sendable {
    public var plan: BuildPlan
    public var fetched: FetchedPorts
    /// Set for a release.
    public var release: PlannedRelease?
  }

  /// What a build produced.
  public struct Built: Sendable {
    public var outcome: BuildOutcome
    public var plan: BuildPlan
    /// The packed `rootfs:`, when the Kraftfile has one.
    public var initrd: String?
    /// A release's manifests and bills of materials.
    public var releaseArtifacts: [String]
  }

  public let project: ProjectBuild
  public let options: Options
  public let runner: ProcessRunner
  public let environment: [String: String]

  public init(
    project: ProjectBuild, options: Options, runner: ProcessRunner = SystemProcessRunner(),
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) {
    self.project = project
    self.options = options
    self.runner = runner
    self.environment = environment
  }

  /// Resolve, check a release's locks (before anything is fetched), fetch, plan, and for a
  /// release pin the toolchain and make the plan reproducible (recorded unless a dry run).
  public func plan() throws -> Planned {
    try RuntimeImageSupport.checkBuildable(project.kraftfile)
    let resolved = try project.resolve(targets: options.targets)
    let prepared = try options.release.map {
      try ReleaseBuild.prepare($0, project: project, resolved: resolved, runner: runner)
    }
    let fetched = try project.fetch(resolved)
    let plan = try project.plan(
      resolved, fetched: fetched, compiler: options.compiler, extraCFlags: options.extraCFlags,
      mentionsDirectory: options.dryRun ? nil : options.mentionsDirectory)
    let release = try prepared?.makeReproducible(
      plan, fileSystem: project.fileSystem, record: !options.dryRun)
    return Planned(plan: release?.plan ?? plan, fetched: fetched, release: release)
  }

  /// Execute with ninja, then package: the initrd from `rootfs:` and a release's artifacts.
  /// A `rootfs:` the policy refuses is refused before anything is compiled.
  public func build(_ planned: Planned, progress: TextOutput) throws -> Built {
    let kraftfile = project.kraftfile
    let rootfsPolicy = RootfsPolicy(
      projectDirectory: kraftfile.directory, allowOutsideProject: options.rootfsOutsideProject)
    let rootfs = kraftfile.rootfs.map { kraftfile.resolvedPath($0) }
    if let rootfs { try rootfsPolicy.checkLocation(rootfs) }
    // A new `outdir` is created stamped as kraft's, so that later runs may write and clean it.
    try OutputDirectory(layout: project.layout).prepare()
    var executor = BuildExecutor(
      fileSystem: project.fileSystem, runner: runner, jobs: options.jobs, verbose: options.verbose)
    executor.environment = planned.release?.environment ?? [:]
    executor.compileCache = options.compileCache
    executor.distributedCompiles = options.distributedCompiles
    executor.projectDirectory = kraftfile.directory
    if let store = options.compileCache?.prebuiltStore {
      executor.prebuiltLibraries = PrebuiltLibraries(store: store, runner: runner)
      executor.verifiedTrees = planned.fetched.identities
      executor.portTrees = planned.fetched.roots
    }
    let outcome = try executor.execute(planned.plan, progress: ProgressDisplay(output: progress))
    var initrd: String?
    // Ports' root file system folders (the same for every target: one initrd serves them all).
    var layers: [String] = []
    for layer in planned.plan.targets.flatMap(\.rootfsLayers) where !layers.contains(layer) {
      layers.append(layer)
    }
    let path = project.layout.initrd
    if rootfs != nil || !layers.isEmpty {
      // kraft run passes it with -initrd; the kernel unpacks it at / (docs/libc.md).
      if let release = planned.release {
        try release.writeInitrd(forRootfs: rootfs, layers: layers, policy: rootfsPolicy, to: path)
      } else {
        try CpioWriter(environment: environment).writeInitrd(
          forRootfs: rootfs, layers: layers, policy: rootfsPolicy, to: path)
      }
      initrd = path
    } else if project.fileSystem.exists(path) {
      // Left by an earlier build whose image had a root file system: kraft run must not pass it.
      try project.fileSystem.remove(path)
    }
    let artifacts = try planned.release?.package(
      portTools: planned.fetched.tools, fileSystem: project.fileSystem)
    return Built(
      outcome: outcome, plan: planned.plan, initrd: initrd, releaseArtifacts: artifacts?.artifacts ?? [])
  }
}
