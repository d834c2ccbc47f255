import KraftBasics

/// Chooses `SOURCE_DATE_EPOCH`, the one time a release build stamps into its outputs, never
/// the clock. In order: the environment's `SOURCE_DATE_EPOCH` (the reproducible-builds
/// convention: whoever sets it means it), the value `Kraftfile.release.lock` recorded, the
/// time of the last git commit that touched the project folder, and 0 (1970-01-01) for a
/// project outside git with no release lock yet.
public struct ReleaseSourceDate: Sendable {
  public enum Origin: String, Hashable, Sendable {
    case environment, releaseLock, gitCommit, unixEpoch
  }

  public var runner: ProcessRunner
  public var locator: ExecutableLocator

  public init(runner: ProcessRunner, locator: ExecutableLocator = ExecutableLocator()) {
    self.runner = runner
    self.locator = locator
  }

  public func choose(
    environment: [String: String], lock: ReleaseLock?, projectDirectory: String
  ) throws -> (seconds: Int, origin: Origin) {
    if let text = environment["SOURCE_DATE_EPOCH"] {
      guard let seconds = Int(text), seconds >= 0 else {
        throw ReleaseError(
          .usage, "SOURCE_DATE_EPOCH is '\(text)'; it must be a whole number of seconds since 1970")
      }
      return (seconds, .environment)
    }
    if let lock { return (lock.sourceDateEpoch, .releaseLock) }
    if let seconds = lastCommitTime(projectDirectory) { return (seconds, .gitCommit) }
    return (0, .unixEpoch)
  }

  /// `git log -1 --format=%ct -- .` in the project folder; nil outside a repository, with no
  /// commit there yet, or without git.
  func lastCommitTime(_ directory: String) -> Int? {
    guard let git = locator.find("git"),
      let result = try? runner.capture(
        ProcessCommand(git, ["-C", directory, "log", "-1", "--format=%ct", "--", "."])),
      result.status == 0
    else { return nil }
    return Int(result.stdout.split(separator: "\n").first ?? "")
  }
}
