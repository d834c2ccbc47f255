import KraftBasics
import KraftModel

/// Reads the project's `Kraftfile.lock` for a release build.
enum ReleaseLockfileReader {
  /// nil when the project has no lockfile: complete when the images use no external source.
  static func read(_ path: String, fileSystem: FileSystem) throws -> Lockfile? {
    guard fileSystem.exists(path) else { return nil }
    throw ReleaseError(
      .invalidInput,
      "'\(path)' exists but this kraft has no lockfile reader yet; a release build cannot check its pins")
  }
}
