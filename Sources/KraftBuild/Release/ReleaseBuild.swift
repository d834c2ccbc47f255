import Foundation
import KraftBasics
import KraftFetch
import KraftManifest
import KraftModel

/// `kraft build --release`: a build whose images depend only on the Kraftfile, the locks,
/// kraft's version and the toolchain's. It goes through three values, each made from the one
/// before, so no step can run out of order:
///
/// 1. `ReleaseBuild.prepare` → `PreparedRelease`: before anything is fetched, every port the
///    images select has a complete `Kraftfile.lock` entry, and the source date is chosen.
/// 2. `PreparedRelease.makeReproducible` → `PlannedRelease`: the toolchain is pinned in
///    `Kraftfile.release.lock` and the plan rewritten by `ReproducibleBuildPlan`; ninja then
///    runs it with `PlannedRelease.environment`.
/// 3. `PlannedRelease.package` → `PackagedRelease`: after a successful build, each image's
///    release manifest and bill of materials.
public enum ReleaseBuild {
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

  /// The checks that need no toolchain, before ports are fetched: every port the images
  /// select has a complete `Kraftfile.lock` entry (`lockfile` is read from the project folder
  /// unless given), and the source date is chosen.
  public static func prepare(
    _ request: Request, project: ProjectBuild, resolved: ResolvedProject, lockfile given: Lockfile?? = nil,
    runner: ProcessRunner
  ) throws -> PreparedRelease {
    let kraftfile = project.kraftfile
    let lockPath = kraftfile.directory + "/" + LockfileCodec.fileName
    let lockfile = try given ?? ReleaseLockfileReader.read(lockPath, fileSystem: project.fileSystem)
    var ports: Set<String> = []
    for target in resolved.targets {
      ports.formUnion(target.resolution.libraries.filter { $0.kind == .port }.map(\.name))
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
    return PreparedRelease(
      request: request, kraftfile: kraftfile, kernel: resolved.kernel, sourceDate: sourceDate,
      lockfile: lockfile, releaseLock: releaseLock, runner: runner)
  }

  /// The environment ninja (and so every compiler and linker) runs with: the source date for
  /// `__DATE__`/`__TIME__` and anything else that honours it, and a fixed time zone and
  /// locale so no tool formats a date or sorts text by the user's settings.
  public static func environment(sourceDateEpoch: Int) -> [String: String] {
    ["SOURCE_DATE_EPOCH": String(sourceDateEpoch), "TZ": "UTC", "LC_ALL": "C"]
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
  public static func relative(_ path: String, to directory: String) -> String? {
    path.hasPrefix(directory + "/") ? String(path.dropFirst(directory.count + 1)) : nil
  }
}
