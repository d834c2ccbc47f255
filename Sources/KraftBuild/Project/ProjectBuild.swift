import Foundation
import KraftBasics
import KraftModel

/// What `build`, `run` and `config` share once a Kraftfile is loaded: its layout, the kernel
/// tree and library catalog, and how to plan a build.
public struct ProjectBuild: Sendable {
  public let kraftfile: Kraftfile
  public let layout: ProjectLayout
  public let fileSystem: FileSystem
  public let portSources: PortSourceProvider

  public init(
    kraftfile: Kraftfile, fileSystem: FileSystem = LocalFileSystem(),
    portSources: PortSourceProvider = UnavailablePortSources()
  ) {
    self.kraftfile = kraftfile
    self.layout = ProjectLayout(kraftfile: kraftfile)
    self.fileSystem = fileSystem
    self.portSources = portSources
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

  /// `compiler` and `extraCFlags` come from the command line and win over `x-build`.
  public func plan(targets: [Target], compiler: String?, extraCFlags: [String]) throws -> BuildPlan {
    let settings = try BuildSettings(kraftfile: kraftfile)
    let (tree, catalog) = try catalog()
    let chosenCompiler = compiler ?? settings.compiler
    let detector = ToolchainDetector(runtimeLibraries: RuntimeLibraryLocator())
    let request = BuildRequest(
      kraftfile: kraftfile, projectName: layout.projectName,
      outputDirectory: layout.outputDirectory, targets: targets, catalog: catalog.libraries,
      commonIncludes: tree.commonIncludes, compiler: chosenCompiler,
      extraCFlags: extraCFlags, appCFlags: settings.cflags ?? [], appSources: settings.sources)
    let planner = BuildPlanner(
      fileSystem: fileSystem,
      toolchains: { try detector.detect(preferred: chosenCompiler, for: $0) },
      portSources: portSources)
    return try planner.plan(request)
  }

  /// Options only (no toolchain needed): for `kraft config`.
  public func resolve(target: Target) throws -> OptionResolution {
    let (_, catalog) = try catalog()
    return try OptionResolver(catalog: catalog.libraries).resolve(kraftfile, for: target)
  }
}
