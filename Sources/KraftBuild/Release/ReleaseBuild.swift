import Foundation
import KraftBasics
import KraftFetch
import KraftManifest
import KraftModel

/// `kraft build --release`: a build whose images depend only on the Kraftfile, the locks,
/// kraft's version and the toolchain's. Before the build, `prepare` checks the locks, pins
/// the toolchain, chooses the source date and makes the plan reproducible; after it,
/// `writeArtifacts` writes each image's release manifest and bill of materials.
public struct ReleaseBuild: Sendable {
  /// What the command line asked for, recorded so the manifest's rebuild command is exact.
  public struct Request: Sendable {
    public var kraftfilePath: String
    /// `--compiler`, `--cflags` and `--rootfs-outside-project` as given (the Kraftfile's
    /// `x-build` is part of the project).
    public var buildArguments: [String]
    public var allowToolchainChange: Bool
    public var environment: [String: String]
    /// Where kraft runs (ninja inherits it; GCC records it).
    public var workingDirectory: String

    /// From `kraft build`'s options: `--compiler`, each `--cflags` and
    /// `--rootfs-outside-project` are repeated in the rebuild command (without that opt-in,
    /// `kraft verify`'s rebuild would refuse the very rootfs the release packed).
    public init(
      kraftfilePath: String, compiler: String?, cflags: [String], allowToolchainChange: Bool,
      rootfsOutsideProject: Bool = false
    ) {
      self.init(
        kraftfilePath: kraftfilePath,
        buildArguments: (compiler.map { ["--compiler", $0] } ?? []) + cflags.map { "--cflags=" + $0 }
          + (rootfsOutsideProject ? ["--rootfs-outside-project"] : []),
        allowToolchainChange: allowToolchainChange)
    }

    public init(
      kraftfilePath: String, buildArguments: [String] = [], allowToolchainChange: Bool = false,
      environment: [String: String] = ProcessInfo.processInfo.environment,
      workingDirectory: String = FileManager.default.currentDirectoryPath
    ) {
      self.kraftfilePath = kraftfilePath
      self.buildArguments = buildArguments
      self.allowToolchainChange = allowToolchainChange
      self.environment = environment
      self.workingDirectory = workingDirectory
    }
  }

  public var request: Request
  public var kraftfile: Kraftfile
  public var kernel: KernelTree
  public var sourceDate: (seconds: Int, origin: ReleaseSourceDate.Origin)
  public var lockfile: Lockfile?
  /// `Kraftfile.release.lock` as found (nil when this is the project's first release).
  public var releaseLock: ReleaseLock?
  public var runner: ProcessRunner
  /// The reproducible plan, once `makeReproducible` has made it.
  public private(set) var plan = BuildPlan(outputDirectory: "", targets: [])
  /// By architecture (`x86_64`), once `makeReproducible` has probed them.
  public private(set) var toolchains: [String: ReleaseToolchain] = [:]
  /// The tools that prepared each port (by name), as the fetch reported them; recorded in the
  /// manifest and SBOM.
  public var portTools: [String: [PreparedTool]] = [:]
  /// Set when this build wrote or changed `Kraftfile.release.lock`; for the user to hear.
  public private(set) var recordedLock: String?

  /// The checks that need no toolchain, before the build is planned (planning fetches
  /// ports): every port the images select has a complete `Kraftfile.lock` entry (`lockfile`
  /// is read from the project folder unless given), and the source date is chosen.
  public static func prepare(
    _ request: Request, project: ProjectBuild, targets: [Target], lockfile given: Lockfile?? = nil,
    runner: ProcessRunner
  ) throws -> ReleaseBuild {
    let kraftfile = project.kraftfile
    let (kernel, _) = try project.catalog()
    let lockPath = kraftfile.directory + "/" + LockfileCodec.fileName
    let lockfile = try given ?? ReleaseLockfileReader.read(lockPath, fileSystem: project.fileSystem)
    var ports: Set<String> = []
    for target in targets {
      ports.formUnion(try project.resolve(target: target).libraries.filter { $0.kind == .port }.map(\.name))
    }
    let missing = ReleaseInputs.missingLockEntries(ports: Array(ports), lock: lockfile)
    if !missing.isEmpty {
      throw ReleaseError(
        .invalidInput,
        "a release build needs every external source pinned in '\(lockPath)'; missing or incomplete: "
          + missing.map { "'\($0)'" }.joined(separator: ", ") + "; run 'kraft lock' first")
    }
    let releaseLock = try ReleaseLock.read(
      from: ReleaseLock.path(projectDirectory: kraftfile.directory), fileSystem: project.fileSystem)
    let sourceDate = try ReleaseSourceDate(runner: runner).choose(
      environment: request.environment, lock: releaseLock, projectDirectory: kraftfile.directory)
    return ReleaseBuild(
      request: request, kraftfile: kraftfile, kernel: kernel, sourceDate: sourceDate,
      lockfile: lockfile, releaseLock: releaseLock, runner: runner)
  }

  /// Pins the toolchain (probing each program's version; a change is an error unless the
  /// request allows it), records the release lock when it changed (unless `record` is false:
  /// a dry run changes nothing), and returns the plan rewritten by `ReproducibleBuildPlan`.
  public mutating func makeReproducible(
    _ plan: BuildPlan, fileSystem: FileSystem, record: Bool = true
  ) throws -> BuildPlan {
    let probe = ReleaseToolchainProbe(runner: runner)
    for target in plan.targets where toolchains[target.target.architecture.rawValue] == nil {
      toolchains[target.target.architecture.rawValue] = try probe.probe(target.toolchain)
    }
    var lock = releaseLock ?? ReleaseLock(sourceDateEpoch: sourceDate.seconds, toolchains: [:])
    for (architecture, seen) in toolchains.sorted(by: { $0.key < $1.key }) {
      if let pinned = lock.toolchains[architecture], pinned != seen, !request.allowToolchainChange {
        throw ReleaseError(
          .verificationFailed,
          "the toolchain for \(architecture) differs from the one '\(ReleaseLock.fileName)' pins:\n  "
            + seen.differences(from: pinned).joined(separator: "\n  ")
            + "\nimages built with it may differ; install the pinned toolchain, or pass "
            + "'--allow-toolchain-change' to record this one")
      }
      lock.toolchains[architecture] = seen
    }
    if lock != releaseLock && record {
      let path = ReleaseLock.path(projectDirectory: kraftfile.directory)
      try lock.write(to: path, fileSystem: fileSystem)
      recordedLock = path
    }

    var reproducible = plan
    reproducible.targets = plan.targets.map { target in
      let ports = target.resolution.libraries.filter { $0.kind == .port }
        .map { (name: $0.name, root: $0.sourceRoot) }
      let mappings = ReproducibleBuildPlan.mappings(
        projectDirectory: kraftfile.directory, outputDirectory: plan.outputDirectory,
        kernel: kernel, portRoots: ports, toolchain: target.toolchain,
        workingDirectory: request.workingDirectory)
      return ReproducibleBuildPlan(mappings: mappings, family: target.toolchain.family)
        .apply(to: target)
    }
    self.plan = reproducible
    return reproducible
  }

  /// The environment ninja (and so every compiler and linker) runs with: the source date for
  /// `__DATE__`/`__TIME__` and anything else that honours it, and a fixed time zone and
  /// locale so no tool formats a date or sorts text by the user's settings.
  public var environment: [String: String] {
    Self.environment(sourceDateEpoch: sourceDate.seconds)
  }

  public static func environment(sourceDateEpoch: Int) -> [String: String] {
    ["SOURCE_DATE_EPOCH": String(sourceDateEpoch), "TZ": "UTC", "LC_ALL": "C"]
  }

  /// The Kraftfile's `rootfs:` packed reproducibly (`ReproducibleInitrd`) into `output`, with
  /// this release's source date on every entry.
  @discardableResult
  public func writeInitrd(forRootfs path: String, policy: RootfsPolicy, to output: String) throws
    -> Bool
  {
    try ReproducibleInitrd.writeInitrd(
      forRootfs: path, policy: policy, to: output, sourceDateEpoch: sourceDate.seconds)
  }

  /// Writes `<image>.release.json` and `<image>.spdx.json` beside each image, after a
  /// successful build; returns their paths.
  public func writeArtifacts(fileSystem: FileSystem) throws -> [String] {
    let inputs = ReleaseInputs()
    let outputRelative = Self.relative(plan.outputDirectory, to: kraftfile.directory)
    let project = try inputs.projectFiles(
      directory: kraftfile.directory, excluding: outputRelative.map { [$0] } ?? [])
    var written: [String] = []
    for target in plan.targets {
      let manifest = try self.manifest(for: target, project: project, inputs: inputs)
      let folder = plan.outputDirectory
      let manifestPath = folder + "/" + ReleaseManifest.fileName(image: manifest.image.file)
      try fileSystem.writeText(try ReleaseJSON.encode(manifest), to: manifestPath)
      let bomPath = folder + "/" + ReleaseManifest.billOfMaterialsName(image: manifest.image.file)
      try fileSystem.writeText(try ReleaseJSON.encode(SBOMDocument(manifest: manifest)), to: bomPath)
      written += [manifestPath, bomPath]
    }
    return written
  }

  func manifest(
    for target: TargetBuildPlan, project: (files: [ReleaseFile], treeHash: String),
    inputs: ReleaseInputs
  ) throws -> ReleaseManifest {
    let options = Dictionary(
      target.resolution.options.compactMap { resolved in
        resolved.value.map { (resolved.option.name, $0.description) }
      }, uniquingKeysWith: { first, _ in first })
    let kraftfileName = Self.relative(request.kraftfilePath, to: kraftfile.directory) ?? "Kraftfile"
    let projectFromManifest =
      Self.relative(plan.outputDirectory, to: kraftfile.directory).map { inside in
        inside.split(separator: "/").map { _ in ".." }.joined(separator: "/")
      } ?? kraftfile.directory
    return ReleaseManifest(
      kraftVersion: KraftVersion.current, target: target.target.shortForm,
      image: try Self.artifact(target.image), debugImage: try Self.artifact(target.debugImage),
      initrd: try kraftfile.rootfs.map { _ in try Self.artifact(ProjectLayout(kraftfile: kraftfile).initrd) },
      sourceDateEpoch: sourceDate.seconds,
      toolchain: toolchains[target.target.architecture.rawValue]!,
      project: ReleaseProject(
        name: ProjectLayout(kraftfile: kraftfile).projectName, kraftfile: kraftfileName,
        directory: projectFromManifest, treeHash: project.treeHash, files: project.files),
      kernelLibraries: try inputs.kernelLibraries(target, kernel: kernel),
      ports: try inputs.ports(
        target, lock: lockfile, lockPath: kraftfile.directory + "/Kraftfile.lock"
      ).map { port in
        var port = port
        if let tools = portTools[port.name], !tools.isEmpty { port.preparedWith = tools }
        return port
      },
      options: options,
      rebuild: ReleaseRebuildCommand(
        arguments: ["kraft", "build", "--release", "-K", kraftfileName, "-t", target.target.shortForm]
          + request.buildArguments,
        environment: ["SOURCE_DATE_EPOCH": String(sourceDate.seconds)]))
  }

  /// Hashed in pieces: an initrd may be far larger than the memory kraft should use.
  static func artifact(_ path: String) throws -> ReleaseArtifact {
    var hasher = SHA256()
    var size = 0
    do {
      try RegularFile.read(path) { piece in
        hasher.update(piece)
        size += piece.count
      }
    } catch {
      throw ReleaseError(.missingInput, "the build did not produce '\(path)'")
    }
    return ReleaseArtifact(
      file: (path as NSString).lastPathComponent, size: size, sha256: hasher.finalizeHex())
  }

  /// `path` relative to `directory` when inside it, else nil.
  static func relative(_ path: String, to directory: String) -> String? {
    path.hasPrefix(directory + "/") ? String(path.dropFirst(directory.count + 1)) : nil
  }
}
