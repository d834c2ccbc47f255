import Foundation
import KraftBasics
import KraftFetch
import KraftManifest
import KraftModel

/// `kraft port new`: fetches a new upstream once, unpinned, and writes a `port.yaml` whose
/// `upstream:` pins are what was fetched (archive sha256, commit, tree hash), plus a first
/// guess at the build keys for the porter to refine (docs/porting.md walks through it).
public struct PortScaffold: Sendable {
  public enum Source: Hashable, Sendable {
    case archive(url: String)
    case git(url: String, tag: String)
  }

  public let fileSystem: any FileSystem

  public init(fileSystem: any FileSystem) { self.fileSystem = fileSystem }

  /// The version a source names: the tag or the archive's file name without the port name,
  /// a leading `v` and the extension (`zlib-1.3.1.tar.gz` → `1.3.1`).
  public static func version(of source: Source, name: String) -> String {
    var text: String
    switch source {
    case .git(_, let tag): text = tag
    case .archive(let url):
      text = String(url.split(separator: "/").last ?? "")
      for suffix in [".tar.gz", ".tgz", ".tar.xz", ".tar.bz2", ".zip", ".orig"]
      where text.hasSuffix(suffix) {
        text.removeLast(suffix.count)
      }
    }
    for prefix in [name + "-", name + "_", "v"] where text.hasPrefix(prefix) {
      text.removeFirst(prefix.count)
    }
    return text.isEmpty ? "1" : text
  }

  public func request(name: String, version: String, source: Source) -> SourceRequest {
    switch source {
    case .archive(let url):
      return SourceRequest(
        name: name, version: version, origin: .archive(url: url), pin: UpstreamPin(),
        allowsUnpinned: true)
    case .git(let url, let tag):
      return SourceRequest(
        name: name, version: version, origin: .git(url: url, ref: .tag(tag)), pin: UpstreamPin(),
        allowsUnpinned: true)
    }
  }

  /// What `write` found in the upstream tree, for the command to tell the user.
  public struct Outcome: Sendable {
    public var path: String
    public var survey: PortSourceSurvey
    public var license: LicenseDetector.Finding?
  }

  /// Fails when `<directory>/port.yaml` exists: checked before anything is fetched or
  /// mirrored, and again just before writing.
  public func ensureNew(directory: String) throws {
    let path = directory + "/port.yaml"
    if fileSystem.exists(path) {
      throw PortError(.usage, "'\(path)' already exists; 'kraft port new' never overwrites a port")
    }
  }

  /// Writes `<directory>/port.yaml` (and an empty `patches/`) for the fetched tree.
  public func write(
    name: String, source: Source, prepared: PreparedSource, directory: String
  ) throws -> Outcome {
    let path = directory + "/port.yaml"
    try ensureNew(directory: directory)
    let survey = try PortSourceSurvey.survey(tree: prepared.directory, fileSystem: fileSystem)
    let license = LicenseDetector.detect(
      tree: prepared.directory, headerFolders: survey.includes, fileSystem: fileSystem)
    let text = recipeText(
      name: name, source: source, prepared: prepared, survey: survey, license: license)
    try fileSystem.createDirectory(directory + "/patches")
    try fileSystem.writeText(text, to: path)
    return Outcome(path: path, survey: survey, license: license)
  }

  func recipeText(
    name: String, source: Source, prepared: PreparedSource, survey: PortSourceSurvey,
    license: LicenseDetector.Finding?
  ) -> String {
    let entry = prepared.lockEntry
    var upstream = ["    \(YAMLQuoting.quotedIfNeeded(entry.version)):"]
    switch source {
    case .archive(let url):
      upstream.append("      archive: \(url)")
      if let sha = entry.pin.archiveSHA256 { upstream.append("      sha256: \(sha)") }
    case .git(let url, let tag):
      upstream.append("      git: \(url)")
      upstream.append("      tag: \(tag)")
      if let commit = entry.pin.commit { upstream.append("      commit: \(commit)") }
    }
    if let tree = entry.pin.treeHash { upstream.append("      tree: \(tree)") }

    var lines = [
      "# Written by 'kraft port new' from the fetched source; the pins below are what was",
      "# fetched. Check them against upstream's published checksums (docs/porting.md).",
      "name: \(name)",
      "description: \(name) \(entry.version)",
      "kind: port",
    ]
    if let license {
      lines.append("license: \(license.identifier)   # detected from '\(license.file)'; check it")
    } else {
      lines.append("license: NOASSERTION   # no known licence text found; put its SPDX identifier")
    }
    if let homepage = Self.homepage(of: source) {
      lines.append("homepage: \(homepage)   # guessed from the download URL; check it")
    } else {
      lines.append("# homepage: https://...   # the project's site")
    }
    lines +=
      ["upstream:", "  default: \(YAMLQuoting.quotedIfNeeded(entry.version))", "  versions:"] + upstream
    if survey.libcHeaders.isEmpty {
      lines.append("# requires: [libc]   # no C-library header is included")
    } else {
      let named = survey.libcHeaders.prefix(4).map { "<\($0)>" }.joined(separator: ", ")
      lines.append("requires: [libc]   # the code includes \(named)")
    }
    lines.append("includes: [\(survey.includes.joined(separator: ", "))]")
    if survey.sources.isEmpty {
      lines.append("sources: []   # no C file found at the top or in src/; list the library's files")
    } else {
      lines.append("sources:")
      lines += survey.sources.map { "  - \($0)" }
    }
    if !survey.programs.isEmpty {
      lines.append("# Left out: these define main(), so they are programs, not library code.")
      lines.append("# Copy one into your project to make it the app:")
      lines += survey.programs.map { "#   \($0)" }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// The project's site as far as the download URL tells: GitHub/GitLab repositories are
  /// their own page; otherwise the URL's scheme and host. Nil for local files.
  public static func homepage(of source: Source) -> String? {
    let url: String
    switch source {
    case .archive(let archive): url = archive
    case .git(let repository, _): url = repository
    }
    guard let parsed = URL(string: url), let scheme = parsed.scheme,
      scheme == "https" || scheme == "http", let host = parsed.host
    else { return nil }
    let parts = parsed.path.split(separator: "/")
    if ["github.com", "gitlab.com", "codeberg.org"].contains(host), parts.count >= 2 {
      var repository = String(parts[1])
      if repository.hasSuffix(".git") { repository.removeLast(4) }
      return "https://\(host)/\(parts[0])/\(repository)"
    }
    return "\(scheme)://\(host)/"
  }
}
