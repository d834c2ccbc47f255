import CLibGit2
import Foundation
import KraftBasics

/// Applies patches to a plain folder with libgit2's apply (no `patch` or `git` program):
/// a throw-away bare repository given the folder as its work tree only in memory, so the
/// tree gains no `.git` file. Accepts `git format-patch` output and plain unified diffs.
///
/// A patch may only change files inside the folder: one that writes through a symbolic link
/// (an upstream one or one an earlier patch made), or that makes a link leading out of the
/// tree, is refused, since a later patch or the build would then write or read the host.
public struct PatchApplier {
  public var fileSystem: any FileSystem

  public init(fileSystem: any FileSystem = LocalFileSystem()) {
    LibGit2.ensureInitialized()
    self.fileSystem = fileSystem
  }

  public func apply(_ patches: PatchSet, to directory: String, scratch: String) throws {
    guard !patches.isEmpty else { return }
    var repository: OpaquePointer?
    try LibGit2.check(
      git_repository_init(&repository, scratch, 1), "cannot prepare patching of '\(directory)'")
    defer { git_repository_free(repository) }
    // 0: no `.git` link file written into the folder.
    try LibGit2.check(
      git_repository_set_workdir(repository, directory, 0),
      "cannot prepare patching of '\(directory)'")
    for patch in patches.patches {
      try apply(patch, repository: repository!, directory: directory)
    }
  }

  private func apply(_ patch: PatchSet.Patch, repository: OpaquePointer, directory: String)
    throws
  {
    guard let data = try? fileSystem.readData(patch.path) else {
      throw FetchError(.missingInput, "cannot read patch '\(patch.path)'")
    }
    let text = Self.withGitHeaders(String(decoding: data, as: UTF8.self))
    var diff: OpaquePointer?
    let parsed = text.withCString { git_diff_from_buffer(&diff, $0, strlen($0)) }
    guard parsed == 0 else {
      throw FetchError(
        .invalidInput,
        "patch '\(patch.path)' cannot be read: \(LibGit2.lastError()); make it with "
          + "'git format-patch' or 'diff -u'")
    }
    defer { git_diff_free(diff) }
    let changes = PatchChanges(diff!)
    try changes.checkNoWriteThroughLinks(patch: patch.name, root: directory)
    var options = git_apply_options()
    git_apply_options_init(&options, UInt32(GIT_APPLY_OPTIONS_VERSION))
    let tracker = ApplyTracker()
    let box = Unmanaged.passRetained(tracker)
    defer { box.release() }
    options.payload = box.toOpaque()
    options.delta_cb = { delta, payload in
      let tracker = Unmanaged<ApplyTracker>.fromOpaque(payload!).takeUnretainedValue()
      if let delta, let path = delta.pointee.new_file.path ?? delta.pointee.old_file.path {
        tracker.file = String(cString: path)
      }
      tracker.hunk = nil
      return 0
    }
    options.hunk_cb = { hunk, payload in
      let tracker = Unmanaged<ApplyTracker>.fromOpaque(payload!).takeUnretainedValue()
      if let hunk {
        var header = hunk.pointee.header
        let length = Int(hunk.pointee.header_len)
        tracker.hunk = withUnsafeBytes(of: &header) { raw in
          String(decoding: raw.prefix(length), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        }
      }
      return 0
    }
    guard git_apply(repository, diff, GIT_APPLY_LOCATION_WORKDIR, &options) == 0 else {
      let reason = LibGit2.lastError()
      let file = tracker.file.map { " to '\($0)'" } ?? ""
      let hunk = tracker.hunk.map { " at hunk '\($0)'" } ?? ""
      throw FetchError(
        .buildFailed,
        "patch '\(patch.path)' does not apply\(file)\(hunk): \(reason); refresh the patch "
          + "against this upstream version")
    }
    try changes.checkLinksStayInside(patch: patch.name, root: directory)
  }

  /// libgit2 parses only git-style diffs; a plain `diff -u` file gets a `diff --git` line
  /// before each `--- a/x` / `+++ b/x` pair so both kinds are accepted.
  static func withGitHeaders(_ text: String) -> String {
    if text.contains("\ndiff --git ") || text.hasPrefix("diff --git ") { return text }
    var lines = text.components(separatedBy: "\n")
    var index = 0
    while index + 1 < lines.count {
      if lines[index].hasPrefix("--- "), lines[index + 1].hasPrefix("+++ ") {
        let old = pathOf(lines[index])
        let new = pathOf(lines[index + 1])
        let oldName = old == "/dev/null" ? new : old
        let newName = new == "/dev/null" ? old : new
        lines[index] = "--- " + (old == "/dev/null" ? old : "a/" + old)
        lines[index + 1] = "+++ " + (new == "/dev/null" ? new : "b/" + new)
        lines.insert("diff --git a/\(oldName) b/\(newName)", at: index)
        index += 3
      } else {
        index += 1
      }
    }
    return lines.joined(separator: "\n")
  }

  /// `--- a/src/x.c\t2024-01-01` -> `src/x.c`: drops the timestamp and one leading folder,
  /// as `patch -p1` does.
  private static func pathOf(_ line: String) -> String {
    var path = String(line.dropFirst(4))
    if let tab = path.firstIndex(of: "\t") { path = String(path[..<tab]) }
    path = path.trimmingCharacters(in: .whitespaces)
    if path == "/dev/null" { return path }
    if let slash = path.firstIndex(of: "/") { return String(path[path.index(after: slash)...]) }
    return path
  }
}

private final class ApplyTracker {
  var file: String?
  var hunk: String?
}
