import Foundation
import KraftBasics
import KraftFetch
import KraftModel

/// A loaded project and the first steps of the pipeline (docs/architecture.md): resolve
/// (`resolve`), fetch (`fetch`, through `portSources`) and plan (`plan`). `ProjectBuilder`,
/// `ProjectFetcher` and `kraft config` run them.
public struct ProjectBuild: Sendable {
  public let kraftfile: Kraftfile
  public let layout: ProjectLayout
  public let fileSystem: FileSystem
  public let portSources: PortSourceProvider
  /// The toolchain for an architecture and the compiler chosen (nil: clang).
  public let toolchains: @Sendable (_ compiler: String?, Architecture) throws -> Toolchain

  /// `toolchains`: nil detects the host's (`ToolchainDetector`).
  public init(
    kraftfile: Kraftfile, fileSystem: FileSystem = LocalFileSystem(),
    portSources: PortSourceProvider = UnavailablePortSources(),
    toolchains: (@Sendable (_ compiler: String?, Architecture) throws -> Toolchain)? = nil
  ) {
    self.kraftfile = kraftfile
    self.layout = ProjectLayout(kraftfile: kraftfile)
    self.fileSystem = fileSystem
    self.portSources = portSources
    let detector = ToolchainDetector(runtimeLibraries: RuntimeLibraryLocator())
    self.toolchains = toolchains ?? { try detector.detect(preferred: $0, for: $1) }
  }

  public func catalog() throws -> (KernelTree, LibraryCatalog) {
    // A kernel named by a git or archive source is fetched (and locked) like a port.
    var fetchedKernel: String?
    if let unikraft = kraftfile.unikraft, let source = unikraft.source {
      if case .path = source {
      } else {
        fetchedKernel = try portSources.kernelSourceRoot(for: unikraft)
      }
    }
    let tree = try KernelTree.locate(
      kraftfile: kraftfile, fetchedKernel: fetchedKernel, fileSystem: fileSystem)
    // Ports in the documented search order (docs/porting.md): the project's own first.
    let portRoots = PortCatalog.searchRoots(
      projectDirectory: kraftfile.directory, builtinPorts: tree.portsDirectory,
      environment: ProcessInfo.processInfo.environment)
    return (
      tree,
      try LibraryCatalog.load(
        kernel: tree, fileSystem: fileSystem, portDirectories: portRoots.map(\.directory))
    )
  }

  /// The resolve step: the kernel tree (a remote one fetched and locked), the catalog, and
  /// every target's libraries and options.
  public func resolve(targets: [Target]) throws -> ResolvedProject {
    let (tree, catalog) = try catalog()
    return ResolvedProject(
      kernel: tree, catalog: catalog,
      targets: try ResolvedTarget.resolveAll(kraftfile, targets: targets, catalog: catalog.libraries))
  }

  /// The fetch step: every port the resolved images select, prepared through `portSources`
  /// (which checks and records them in the lock), in the order the images name them.
  public func fetch(_ resolved: ResolvedProject) throws -> FetchedPorts {
    var fetched = FetchedPorts()
    for target in resolved.targets {
      for port in target.resolution.libraries where port.kind == .port && fetched.roots[port.name] == nil {
        let prepared = try portSources.prepare(
          port: port, component: kraftfile.libraries.first { $0.name == port.name })
        fetched.roots[port.name] = prepared.directory
        fetched.tools[port.name] = prepared.tools
        fetched.identities[prepared.directory] = Self.identity(of: prepared)
      }
    }
    return fetched
  }

  /// The plan step over resolved targets and fetched ports. `compiler` and `extraCFlags` come
  /// from the command line and win over `x-build`.
  /// `mentionsDirectory` is where the option names of ports' trees (`TreeMentionFiles`) and
  /// of other places (`PlaceMentionFiles`, in `places/`) are remembered.
  public func plan(
    _ resolved: ResolvedProject, fetched: FetchedPorts, compiler: String?, extraCFlags: [String],
    mentionsDirectory: String? = nil
  ) throws -> BuildPlan {
    let settings = try BuildSettings(kraftfile: kraftfile)
    let chosenCompiler = compiler ?? settings.compiler
    let request = BuildRequest(
      kraftfile: kraftfile, projectName: layout.projectName,
      outputDirectory: layout.outputDirectory, targets: resolved.targets.map(\.target),
      catalog: resolved.catalog.libraries, commonIncludes: resolved.kernel.commonIncludes,
      compiler: chosenCompiler, extraCFlags: extraCFlags, appCFlags: settings.cflags ?? [],
      appSources: settings.sources, sourceRoots: fetched.roots)
    let planner = BuildPlanner(
      fileSystem: fileSystem, toolchains: { [toolchains] in try toolchains(chosenCompiler, $0) },
      mentionMemo: mentionsDirectory.map { TreeMentionFiles(directory: $0, identities: fetched.identities) },
      placeMentionMemo: mentionsDirectory.map { PlaceMentionFiles(directory: $0 + "/places") })
    return try planner.plan(request, resolved: resolved.targets)
  }

  /// What a prepared tree's content is known by: the fetch layer checks the tree against
  /// these hashes (its stamp, else a full re-hash) every time it hands it out.
  static func identity(of prepared: PreparedSource) -> String {
    let pin = prepared.lockEntry.pin
    return "tree \(pin.treeHash ?? "-") patches \(prepared.lockEntry.patchSetHash ?? "-") "
      + "prepared \(pin.preparedTree ?? "-")"
  }

  /// The resolve step for one target, alone: for `kraft config`.
  public func resolve(target: Target) throws -> OptionResolution {
    try resolve(targets: [target]).targets[0].resolution
  }
}

/// The resolve step's output: what the project's images are made of.
public struct ResolvedProject: Sendable {
  public var kernel: KernelTree
  public var catalog: LibraryCatalog
  public var targets: [ResolvedTarget]

  public init(kernel: KernelTree, catalog: LibraryCatalog, targets: [ResolvedTarget]) {
    self.kernel = kernel
    self.catalog = catalog
    self.targets = targets
  }
}

/// The fetch step's output: the prepared tree of each selected port, and the host tools that
/// prepared it (for a release's manifest), by port name.
public struct FetchedPorts: Sendable, Hashable {
  public var roots: [String: String] = [:]
  public var tools: [String: [PreparedTool]] = [:]
  /// Each prepared tree's folder and what its verified content is known by (`PrebuiltKey`).
  public var identities: [String: String] = [:]

  public init(roots: [String: String] = [:], tools: [String: [PreparedTool]] = [:]) {
    self.roots = roots
    self.tools = tools
  }
}
