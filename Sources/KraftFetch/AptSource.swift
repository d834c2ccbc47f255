import Foundation
import KraftBasics
import KraftModel

/// A Debian source package's file through the machine's own apt sources, for a `debian:`
/// upstream that no mirror rule maps: `apt-get source --download-only PACKAGE=VERSION` in a
/// scratch folder (apt checks the package's signed index), then the named file. The caller
/// checks the recipe's sha256 as for any download.
struct AptSource {
  var runner: ProcessRunner
  var cache: SourceCache

  /// Copies the file to `destination`; returns its sha256.
  func download(_ source: UpstreamDebianSource, to destination: String) throws -> String {
    guard let apt = ExecutableLocator().find("apt-get") else {
      throw FetchError(
        .fetchFailed,
        "'\(source.url)' is a Debian source package and this machine has no 'apt-get'; map "
          + "the 'debian:' prefix to a mirror in 'KRAFT_MIRRORS' (scripts/debian-mirror.sh "
          + "makes one)")
    }
    let scratch = try cache.temporaryPath("apt")
    let fileSystem = cache.fileSystem
    defer { try? SourceCache.removeTree(scratch, fileSystem: fileSystem) }
    try fileSystem.createDirectory(scratch)
    let result = try runner.capture(
      ProcessCommand(
        apt, ["source", "--download-only", "-qq", "\(source.package)=\(source.version)"],
        workingDirectory: scratch))
    let file = scratch + "/" + source.orig
    guard result.status == 0, fileSystem.exists(file) else {
      let detail =
        (result.stderr + result.stdout).split(whereSeparator: \.isNewline).last
        .map { ": \($0)" } ?? ""
      throw FetchError(
        .fetchFailed,
        "cannot get '\(source.orig)' of the Debian source package \(source.package) "
          + "\(source.version) from this machine's apt sources\(detail); add a 'deb-src' entry "
          + "(and run 'apt-get update') or map the 'debian:' prefix to a mirror in 'KRAFT_MIRRORS'")
    }
    try fileSystem.remove(destination)
    try fileSystem.move(file, to: destination)
    return try TreeHash.hashFile(destination)
  }
}
