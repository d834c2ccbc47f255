import Foundation
import KraftBasics

/// A local mirror: a folder of upstream files laid out by URL, `<root>/<host>/<path>` (what
/// `scripts/debian-mirror.sh` and `kraft mirror` write), used through a mirror rule mapping
/// the upstream URL to the file (docs/ports.md).
public struct MirrorFolder: Sendable {
  public var root: String
  public var fileSystem: any FileSystem

  public init(root: String, fileSystem: any FileSystem = LocalFileSystem()) {
    self.root = root
    self.fileSystem = fileSystem
  }

  /// `$KRAFT_MIRROR_DIR`, else `$XDG_DATA_HOME/kraft/mirror`, else `~/.local/share/kraft/mirror`.
  public static func defaultRoot(environment: [String: String]) -> String {
    if let explicit = environment["KRAFT_MIRROR_DIR"], !explicit.isEmpty { return explicit }
    if let data = environment["XDG_DATA_HOME"], !data.isEmpty { return data + "/kraft/mirror" }
    return (environment["HOME"] ?? NSHomeDirectory()) + "/.local/share/kraft/mirror"
  }

  /// Where `url` lives in the mirror. Only `http(s)://` and `ftp://` URLs of a file are
  /// mirrored; a path that would climb out of the folder (`..`) is refused.
  public func path(for url: String) throws -> String {
    guard let parsed = URL(string: url), let scheme = parsed.scheme,
      ["http", "https", "ftp"].contains(scheme), let host = parsed.host, !host.isEmpty
    else {
      throw FetchError(
        .usage,
        "'\(url)' is not an upstream download URL; give the http(s):// URL the file is published at")
    }
    let parts = parsed.path.split(separator: "/").map(String.init)
    guard !parts.isEmpty, !url.hasSuffix("/"), !parts.contains(where: { $0 == ".." || $0 == "." })
    else {
      throw FetchError(.usage, "'\(url)' does not name a file; give the URL of the archive itself")
    }
    return ([root, host] + parts).joined(separator: "/")
  }

  /// Copies `file` into the mirror as `url` (through a temporary name, so that a failure
  /// leaves nothing half-written) and returns its path there.
  @discardableResult
  public func store(file: String, as url: String) throws -> String {
    let target = try path(for: url)
    guard fileSystem.exists(file), !fileSystem.isDirectory(file) else {
      throw FetchError(.missingInput, "'\(file)' is not a file")
    }
    try fileSystem.createDirectory((target as NSString).deletingLastPathComponent)
    let temporary = target + ".partial-\(getpid())"
    try? fileSystem.remove(temporary)
    do {
      try fileSystem.copy(file, to: temporary)
      if rename(temporary, target) != 0 {
        throw FetchError(
          .fetchFailed, "cannot move '\(temporary)' to '\(target)': \(String(cString: strerror(errno)))")
      }
    } catch {
      try? fileSystem.remove(temporary)
      throw error
    }
    return target
  }
}
