import Foundation
import KraftBasics
import KraftModel

/// Fills a mirror folder from Debian source packages, as `scripts/debian-mirror.sh` does, for
/// any port's `debian:` hint: `apt-get source --download-only PACKAGE=VERSION` fetches the orig
/// tarball, which is checked against the recipe's `sha256` and stored under the upstream URL.
public struct DebianMirrorSync: Sendable {
  /// One archive to mirror: a port version with an `archive:` URL and a `debian:` hint.
  public struct Item: Hashable, Sendable {
    public var port: String
    public var version: String
    public var url: String
    public var debian: UpstreamDebianSource
    public var sha256: String?

    public init(port: String, version: String, url: String, debian: UpstreamDebianSource, sha256: String?) {
      self.port = port
      self.version = version
      self.url = url
      self.debian = debian
      self.sha256 = sha256
    }

    /// Every version of `recipe` that names both an archive and a Debian source package.
    public static func all(in recipe: PortRecipe) -> [Item] {
      recipe.upstream.versions.compactMap { version in
        guard let url = version.archive, let debian = version.debian else { return nil }
        return Item(
          port: recipe.name, version: version.version, url: url, debian: debian,
          sha256: version.pin.archiveSHA256)
      }
    }
  }

  public var folder: MirrorFolder
  public var runner: ProcessRunner

  public init(folder: MirrorFolder, runner: ProcessRunner) {
    self.folder = folder
    self.runner = runner
  }

  /// Mirrors `item` unless it is there already; returns its path and whether it was downloaded.
  public func sync(_ item: Item) throws -> (path: String, downloaded: Bool) {
    let target = try folder.path(for: item.url)
    let fileSystem = folder.fileSystem
    if fileSystem.exists(target) {
      try check(target, item)
      return (target, false)
    }
    let work = folder.root + "/.debian"
    try fileSystem.createDirectory(work)
    let orig = work + "/" + item.debian.orig
    if !fileSystem.exists(orig) {
      let command = ProcessCommand(
        "apt-get", ["source", "--download-only", "-qq", "\(item.debian.package)=\(item.debian.version)"],
        workingDirectory: work)
      let result: ProcessResult
      do {
        result = try runner.capture(command)
      } catch {
        throw FetchError(
          .missingTool,
          "cannot run 'apt-get' to fetch Debian source packages (\(error)); install apt or mirror the file with 'kraft mirror add'"
        )
      }
      guard result.status == 0, fileSystem.exists(orig) else {
        let reason = result.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
        throw FetchError(
          .fetchFailed,
          "'\(command.shellLine)' for port '\(item.port)' \(item.version) did not give '\(item.debian.orig)'"
            + (reason.isEmpty ? "" : ": \(reason)")
            + "; apt needs a 'deb-src' entry ('bash scripts/debian-mirror.sh' adds one) and 'apt-get update'")
      }
    }
    try check(orig, item)
    return (try folder.store(file: orig, as: item.url), true)
  }

  /// The file must be the archive the recipe pins (when it pins one).
  private func check(_ path: String, _ item: Item) throws {
    guard let expected = item.sha256 else { return }
    let actual = try TreeHash.hashFile(path)
    guard actual == expected else {
      throw FetchError(
        .verificationFailed,
        "'\(path)' (for port '\(item.port)' \(item.version), '\(item.url)') has sha256 \(actual), but the recipe pins \(expected); the Debian package is not upstream's archive byte for byte, so remove its 'debian:' hint"
      )
    }
  }
}
