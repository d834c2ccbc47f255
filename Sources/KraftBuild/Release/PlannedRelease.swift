import Foundation
import KraftBasics
import KraftFetch
import KraftModel

/// A release with its toolchain pinned and its plan reproducible
/// (`PreparedRelease.makeReproducible`). Ninja runs `plan` with `environment`; after a
/// successful build, `package` writes the release artifacts.
public struct PlannedRelease: Sendable {
  public var prepared: PreparedRelease
  /// The reproducible plan: the one to build.
  public var plan: BuildPlan
  /// By architecture (`x86_64`), as probed.
  public var toolchains: [String: ReleaseToolchain]
  /// Set when this build wrote or changed `Kraftfile.release.lock`; for the user to hear.
  public var recordedLock: String?

  private var kraftfile: Kraftfile { prepared.kraftfile }

  /// The environment ninja (and so every compiler and linker) runs with.
  public var environment: [String: String] {
    ReleaseBuild.environment(sourceDateEpoch: prepared.sourceDate.seconds)
  }

  /// The Kraftfile's `rootfs:` packed reproducibly (`ReproducibleInitrd`) into `output`, with
  /// this release's source date on every entry.
  @discardableResult
  public func writeInitrd(
    forRootfs path: String?, layers: [String] = [], policy: RootfsPolicy, to output: String
  ) throws -> Bool {
    try ReproducibleInitrd.writeInitrd(
      forRootfs: path, layers: layers, policy: policy, to: output,
      sourceDateEpoch: prepared.sourceDate.seconds)
  }

  /// Writes `<image>.release.json` and `<image>.spdx.json` beside each image, after a
  /// successful build. `portTools`: the tools that prepared each port (by name), as the fetch
  /// reported them; recorded in the manifest and SBOM.
  public func package(portTools: [String: [PreparedTool]], fileSystem: FileSystem) throws
    -> PackagedRelease
  {
    let inputs = ReleaseInputs()
    let outputRelative = ReleaseBuild.relative(plan.outputDirectory, to: kraftfile.directory)
    let project = try inputs.projectFiles(
      directory: kraftfile.directory, excluding: outputRelative.map { [$0] } ?? [])
    var written: [String] = []
    for target in plan.targets {
      let manifest = try self.manifest(
        for: target, project: project, inputs: inputs, portTools: portTools)
      let folder = plan.outputDirectory
      let manifestPath = folder + "/" + ReleaseManifest.fileName(image: manifest.image.file)
      try fileSystem.writeText(try ReleaseJSON.encode(manifest), to: manifestPath)
      let bomPath = folder + "/" + ReleaseManifest.billOfMaterialsName(image: manifest.image.file)
      try fileSystem.writeText(try ReleaseJSON.encode(SBOMDocument(manifest: manifest)), to: bomPath)
      written += [manifestPath, bomPath]
    }
    return PackagedRelease(artifacts: written)
  }

  func manifest(
    for target: TargetBuildPlan, project: (files: [ReleaseFile], treeHash: String),
    inputs: ReleaseInputs, portTools: [String: [PreparedTool]]
  ) throws -> ReleaseManifest {
    let architecture = target.target.architecture.rawValue
    guard let toolchain = toolchains[architecture] else {
      throw ReleaseError(.internal, "no toolchain was probed for \(architecture) (a bug in kraft)")
    }
    let options = Dictionary(
      target.resolution.options.compactMap { resolved in
        resolved.value.map { (resolved.option.name, $0.description) }
      }, uniquingKeysWith: { first, _ in first })
    let kraftfileName =
      ReleaseBuild.relative(prepared.request.kraftfilePath, to: kraftfile.directory) ?? "Kraftfile"
    let projectFromManifest =
      ReleaseBuild.relative(plan.outputDirectory, to: kraftfile.directory).map { inside in
        inside.split(separator: "/").map { _ in ".." }.joined(separator: "/")
      } ?? kraftfile.directory
    return ReleaseManifest(
      kraftVersion: KraftVersion.current, target: target.target.shortForm,
      image: try ReleaseBuild.artifact(target.image),
      debugImage: try ReleaseBuild.artifact(target.debugImage),
      initrd: try kraftfile.rootfs.map { _ in
        try ReleaseBuild.artifact(ProjectLayout(kraftfile: kraftfile).initrd)
      },
      sourceDateEpoch: prepared.sourceDate.seconds,
      toolchain: toolchain,
      project: ReleaseProject(
        name: ProjectLayout(kraftfile: kraftfile).projectName, kraftfile: kraftfileName,
        directory: projectFromManifest, treeHash: project.treeHash, files: project.files),
      kernelLibraries: try inputs.kernelLibraries(target, kernel: prepared.kernel),
      ports: try inputs.ports(
        target, lock: prepared.lockfile, lockPath: kraftfile.directory + "/Kraftfile.lock"
      ).map { port in
        var port = port
        if let tools = portTools[port.name], !tools.isEmpty { port.preparedWith = tools }
        return port
      },
      options: options,
      rebuild: ReleaseRebuildCommand(
        arguments: ["kraft", "build", "--release", "-K", kraftfileName, "-t", target.target.shortForm]
          + prepared.request.buildArguments,
        environment: ["SOURCE_DATE_EPOCH": String(prepared.sourceDate.seconds)]))
  }
}

/// A release after its build: the manifests and bills of materials written beside the images.
public struct PackagedRelease: Sendable, Hashable {
  public var artifacts: [String]
}
