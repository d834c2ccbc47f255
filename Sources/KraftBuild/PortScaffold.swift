import Foundation
import KraftBasics
import KraftFetch
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

  /// Writes `<directory>/port.yaml` (and an empty `patches/`) for the fetched tree.
  public func write(
    name: String, source: Source, prepared: PreparedSource, directory: String
  ) throws -> String {
    let path = directory + "/port.yaml"
    if fileSystem.exists(path) {
      throw PortError(.usage, "'\(path)' already exists; 'kraft port new' never overwrites a port")
    }
    try fileSystem.createDirectory(directory + "/patches")
    try fileSystem.writeText(
      recipeText(name: name, source: source, prepared: prepared), to: path)
    return path
  }

  func recipeText(name: String, source: Source, prepared: PreparedSource) throws -> String {
    let entry = prepared.lockEntry
    var upstream = ["    \(quoted(entry.version)):"]
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

    let tree = prepared.directory
    let sources = try guessSources(in: tree)
    let includes = fileSystem.isDirectory(tree + "/include") ? ["include"] : ["."]
    let license = ["LICENSE", "LICENSE.txt", "LICENSE.md", "COPYING", "COPYRIGHT"]
      .first { fileSystem.exists(tree + "/" + $0) }
    var lines = [
      "# Written by 'kraft port new' from the fetched source; the pins below are what was",
      "# fetched. Check 'sources' and 'includes', then build it (docs/porting.md).",
      "name: \(name)",
      "description: \(name) \(entry.version)",
    ]
    if let license { lines.append("# license: see '\(license)' in the upstream tree") }
    lines +=
      [
        "upstream:",
        "  default: \(quoted(entry.version))",
        "  versions:",
      ] + upstream + [
        "# requires: [musl]   # most C code needs the libc port",
        "includes: [\(includes.joined(separator: ", "))]",
        "sources:",
      ] + sources.map { "  - \($0)" }
    return lines.joined(separator: "\n") + "\n"
  }

  /// The C files at the top of the tree and under `src/`: a starting point, not a build.
  private func guessSources(in tree: String) throws -> [String] {
    var result: [String] = []
    for folder in ["", "src"] {
      let path = folder.isEmpty ? tree : tree + "/" + folder
      guard fileSystem.isDirectory(path) else { continue }
      for file in try fileSystem.list(path).sorted() where file.hasSuffix(".c") {
        result.append(folder.isEmpty ? file : folder + "/" + file)
      }
    }
    return result
  }

  /// A version that YAML would read as a number is quoted.
  private func quoted(_ version: String) -> String {
    let numeric = Double(version) != nil
    return numeric ? "'\(version)'" : version
  }
}
