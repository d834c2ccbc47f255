import KraftBasics
import KraftManifest
import KraftModel

/// Reads the project's `Kraftfile.lock` for a release build.
enum ReleaseLockfileReader {
  /// nil when the project has no lockfile: complete only when the images use no port, which
  /// `ReleaseBuild.prepare` checks.
  static func read(_ path: String, fileSystem: FileSystem) throws -> Lockfile? {
    guard fileSystem.exists(path) else { return nil }
    return try LockfileCodec.decode(try fileSystem.readText(path), file: path)
  }
}
