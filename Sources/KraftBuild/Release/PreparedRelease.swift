import KraftBasics
import KraftModel

/// A release whose inputs are checked (`ReleaseBuild.prepare`): the lock is complete and the
/// source date chosen. Next: `makeReproducible`, once the build is planned.
public struct PreparedRelease: Sendable {
  public var request: ReleaseBuild.Request
  public var kraftfile: Kraftfile
  public var kernel: KernelTree
  public var sourceDate: (seconds: Int, origin: ReleaseSourceDate.Origin)
  public var lockfile: Lockfile?
  /// `Kraftfile.release.lock` as found (nil when this is the project's first release).
  public var releaseLock: ReleaseLock?
  public var runner: ProcessRunner

  /// Pins the toolchain (probing each program's version; a change is an error unless the
  /// request allows it), records the release lock when it changed (unless `record` is false:
  /// a dry run changes nothing), and rewrites the plan by `ReproducibleBuildPlan`.
  public func makeReproducible(
    _ plan: BuildPlan, fileSystem: FileSystem, record: Bool = true
  ) throws -> PlannedRelease {
    let toolchains = try probeToolchains(of: plan)
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
    var recordedLock: String?
    if lock != releaseLock && record {
      let path = ReleaseLock.path(projectDirectory: kraftfile.directory)
      try lock.write(to: path, fileSystem: fileSystem)
      recordedLock = path
    }
    return PlannedRelease(
      prepared: self, plan: reproducible(plan), toolchains: toolchains, recordedLock: recordedLock)
  }

  /// Each architecture's toolchain (by `x86_64`), probed once.
  private func probeToolchains(of plan: BuildPlan) throws -> [String: ReleaseToolchain] {
    let probe = ReleaseToolchainProbe(runner: runner)
    var toolchains: [String: ReleaseToolchain] = [:]
    for target in plan.targets where toolchains[target.target.architecture.rawValue] == nil {
      toolchains[target.target.architecture.rawValue] = try probe.probe(target.toolchain)
    }
    return toolchains
  }

  /// Every path a compiler could record mapped to one that does not depend on this machine.
  private func reproducible(_ plan: BuildPlan) -> BuildPlan {
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
    return reproducible
  }
}
