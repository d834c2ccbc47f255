import Foundation
import KraftBasics
import KraftFetch
import KraftModel

/// `kraft port edit` and `kraft port diff`: an editable copy of a port's patched source, kept
/// as a git repository whose one commit is the tree the build would use, and the turning of
/// whatever the user changed there into the port's next numbered patch.
///
/// git itself (the program) runs here rather than libgit2: this is a developer's workflow,
/// and `git format-patch` output is exactly what `patches/` holds (docs/porting.md).
public struct PortWorkspace: Sendable {
  public let runner: any ProcessRunner
  public let fileSystem: any FileSystem

  public init(runner: any ProcessRunner, fileSystem: any FileSystem) {
    self.runner = runner
    self.fileSystem = fileSystem
  }

  /// The identity of the baseline commit; the user's own commits keep theirs.
  static let identity = [
    "GIT_AUTHOR_NAME": "kraft", "GIT_AUTHOR_EMAIL": "kraft@localhost",
    "GIT_COMMITTER_NAME": "kraft", "GIT_COMMITTER_EMAIL": "kraft@localhost",
  ]

  /// Where `kraft port edit NAME` puts its workspace unless told: under the project's
  /// `.unikraft/` (or the current folder's, outside a project), beside the build outputs, so
  /// that it is never part of the project's sources nor hashed into a release manifest.
  public static func defaultPath(name: String, projectDirectory: String) -> String {
    projectDirectory + "/.unikraft/ports/" + name + "-src"
  }

  /// The `kraft port edit` workspaces in a project's `.unikraft/ports/` (folders named
  /// `NAME-src` holding a git repository), as (port name, path), sorted by name.
  public static func workspaces(
    projectDirectory: String, fileSystem: any FileSystem = LocalFileSystem()
  ) -> [(name: String, path: String)] {
    let folder = projectDirectory + "/.unikraft/ports"
    let entries = (try? fileSystem.list(folder)) ?? []
    return entries.sorted().compactMap { entry in
      let path = folder + "/" + entry
      guard entry.hasSuffix("-src"), entry.count > 4,
        OutputDirectory.isRealFolder(path, fileSystem: fileSystem),
        OutputDirectory.isRealFolder(path + "/.git", fileSystem: fileSystem)
      else { return nil }
      return (String(entry.dropLast(4)), path)
    }
  }

  /// Whether `workspace` holds edits that `kraft port diff` has not yet turned into a patch:
  /// changed, deleted or new files, ignored ones included, since `diff` adds those too.
  public func hasUnsavedEdits(workspace: String) throws -> Bool {
    let status = try git(
      ["status", "--porcelain", "--untracked-files=all", "--ignored=matching"], in: workspace)
    return !status.isEmpty
  }

  /// Copies the prepared (patched) tree to `workspace` and commits it as the baseline.
  public func create(port: PortDescription, prepared: PreparedSource, workspace: String) throws {
    if fileSystem.exists(workspace) {
      throw PortError(
        .usage,
        "'\(workspace)' already exists; 'kraft port diff \(port.name)' turns its edits into a "
          + "patch, or remove it to start again")
    }
    try fileSystem.createDirectory(Kraftfile.parentDirectory(of: workspace))
    try fileSystem.copy(prepared.directory, to: workspace)
    try makeWritable(workspace)
    // A `.git` *file* at the top is a gitlink the patch step can leave behind in the cache
    // (pointing at its deleted scratch repository); it is never upstream content, and git
    // would take the workspace for part of that dead repository.
    let gitlink = workspace + "/.git"
    if fileSystem.exists(gitlink) && !fileSystem.isDirectory(gitlink) {
      try fileSystem.remove(gitlink)
    }
    let patches = port.patches.isEmpty ? "no patches" : "patches " + port.patches.joined(separator: ", ")
    try git(["init", "-q"], in: workspace)
    try git(["config", "kraft.port", port.name], in: workspace)
    try git(["config", "kraft.port-directory", port.directory], in: workspace)
    try git(["add", "-A", "-f", "."], in: workspace)
    try git(
      ["commit", "-q", "--no-verify", "-m", "\(port.name) \(prepared.lockEntry.version) with \(patches)"],
      in: workspace, environment: Self.identity)
  }

  /// Commits the edits in `workspace` and writes them as `patches/NNNN-<subject>.patch` of
  /// the port, numbered after the last patch. Returns the new file's path.
  public func diff(port: PortDescription, workspace: String, subject: String) throws -> String {
    guard fileSystem.isDirectory(workspace + "/.git") else {
      throw PortError(
        .missingInput,
        "'\(workspace)' is not a workspace of '\(port.name)'; run 'kraft port edit \(port.name)' first")
    }
    try git(["add", "-A", "-f", "."], in: workspace)
    // `git diff --quiet` exits 1 when there are changes, so it is run here, not by `git(_:)`.
    let status = try runner.capture(
      ProcessCommand("git", ["diff", "--cached", "--quiet"], workingDirectory: workspace))
    guard status.status != 0 else {
      throw PortError(.usage, "no edits in '\(workspace)' since the last patch of '\(port.name)'")
    }
    let message = subject.isEmpty ? "kraft port diff" : subject
    try git(["commit", "-q", "--no-verify", "-m", message], in: workspace, environment: fallbackIdentity())
    let patch = try git(
      ["format-patch", "-1", "--stdout", "--no-signature", "--zero-commit", "-p", "HEAD"],
      in: workspace)
    let folder = port.directory + "/patches"
    try fileSystem.createDirectory(folder)
    let path = folder + "/" + Self.nextPatchName(existing: port.patches, subject: message)
    try fileSystem.writeText(patch, to: path)
    return path
  }

  /// `NNNN-slug.patch`: one more than the highest number in use, the subject as git names it.
  public static func nextPatchName(existing: [String], subject: String) -> String {
    let highest = existing.compactMap { Int($0.prefix { $0.isNumber }) }.max() ?? 0
    var slug = ""
    for character in subject.lowercased() {
      if character.isASCII && (character.isLetter || character.isNumber) {
        slug.append(character)
      } else if !slug.isEmpty && slug.last != "-" {
        slug.append("-")
      }
    }
    while slug.hasSuffix("-") { slug.removeLast() }
    slug = String(slug.prefix(52))
    while slug.hasSuffix("-") { slug.removeLast() }
    let number = String(highest + 1)
    return String(repeating: "0", count: max(0, 4 - number.count)) + number + "-"
      + (slug.isEmpty ? "edit" : slug) + ".patch"
  }

  /// The user's git identity when one is configured, kraft's otherwise (a fresh machine).
  private func fallbackIdentity() -> [String: String] {
    let configured = try? runner.capture(ProcessCommand("git", ["config", "user.email"]))
    return configured?.status == 0 ? [:] : Self.identity
  }

  @discardableResult
  private func git(_ arguments: [String], in directory: String, environment: [String: String] = [:])
    throws -> String
  {
    let result: ProcessResult
    do {
      result = try runner.capture(
        ProcessCommand("git", arguments, workingDirectory: directory, environment: environment))
    } catch let error as ProcessLaunchError {
      throw PortError(
        .missingTool,
        "'kraft port edit' and 'kraft port diff' need the 'git' program (\(error)); install git")
    }
    guard result.status == 0 else {
      throw PortError(
        .invalidInput,
        "'git \(arguments.joined(separator: " "))' failed in '\(directory)': "
          + result.stderr.trimmingCharacters(in: .whitespacesAndNewlines))
    }
    return result.stdout
  }

  /// Trees in the cache are read-only; the copy must not be.
  private func makeWritable(_ directory: String) throws {
    try fileSystem.setPermissions(directory, 0o755)
    try fileSystem.visitEntries(below: directory) { path, status in
      guard status.kind != .symbolicLink else { return }
      try fileSystem.setPermissions(path, status.permissions | 0o200)
    }
  }
}
