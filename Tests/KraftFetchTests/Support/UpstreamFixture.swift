import Foundation
import KraftTestSupport

/// A small upstream project, made once per test run and shared: a bare git repository
/// `widget.git` (tag `v1.0`, then one more commit on `main`) and release archives of `v1.0`
/// made by `git archive` (so their files equal the tagged tree), all in `root` for the
/// loopback servers.
final class UpstreamFixture: @unchecked Sendable {
  static let shared = SharedFixture { try UpstreamFixture() }

  let root: String
  let tagCommit: String
  let mainCommit: String
  /// The tree hash of `v1.0`, computed by an independent python implementation of the
  /// definition in docs/ports.md.
  let treeHashV1: String
  let tarGzSHA256: String

  var bareRepository: String { root + "/widget.git" }
  var tarGz: String { root + "/widget-1.0.tar.gz" }

  private init() throws {
    root = try TestScratch.make("upstream")
    let work = root + "/work"
    try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
    try TestScratch.write("widget\n", to: work + "/README")
    try TestScratch.write(
      "int widget(void)\n{\n\treturn 1;\n}\n", to: work + "/src/widget.c")
    try TestScratch.write("int widget(void);\n", to: work + "/src/widget.h")
    try TestScratch.write("#!/bin/sh\necho configured\n", to: work + "/configure", executable: true)
    try FileManager.default.createDirectory(
      atPath: work + "/include", withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(
      atPath: work + "/include/widget.h", withDestinationPath: "../src/widget.h")
    let git = { (args: [String]) throws -> String in
      try TestScratch.run(["git", "-c", "user.name=t", "-c", "user.email=t@e"] + args, in: work)
    }
    try git(["init", "-q", "-b", "main"])
    try git(["add", "-A"])
    try git(["commit", "-q", "-m", "widget 1.0"])
    try git(["tag", "v1.0"])
    tagCommit = try git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
    try TestScratch.write("int widget(void)\n{\n\treturn 2;\n}\n", to: work + "/src/widget.c")
    try git(["commit", "-q", "-am", "widget 2"])
    mainCommit = try git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
    try git(["clone", "-q", "--bare", work, root + "/widget.git"])
    try git(["archive", "--format=tar.gz", "--prefix=widget-1.0/", "-o", root + "/widget-1.0.tar.gz", "v1.0"])
    try git(["archive", "--format=zip", "--prefix=widget-1.0/", "-o", root + "/widget-1.0.zip", "v1.0"])
    try git(["archive", "--format=tar", "--prefix=widget-1.0/", "-o", root + "/widget-1.0.tar", "v1.0"])
    try TestScratch.run(["xz", "-k", root + "/widget-1.0.tar"], in: root)
    try TestScratch.run(["bzip2", "-k", root + "/widget-1.0.tar"], in: root)
    let export = root + "/export"
    try git(["worktree", "add", "-q", "--detach", export, "v1.0"])
    treeHashV1 = try TestScratch.run(["python3", "-c", Self.treeHashScript, export], in: root)
      .trimmingCharacters(in: .whitespacesAndNewlines)
    tarGzSHA256 = try TestScratch.run(["sha256sum", root + "/widget-1.0.tar.gz"], in: root)
      .split(separator: " ")[0].description
  }

  /// docs/ports.md's tree hash, written independently of the Swift code under test.
  static let treeHashScript = #"""
    import hashlib, os, stat, sys
    root = sys.argv[1]
    lines = []
    for folder, dirs, files in os.walk(root):
        if folder == root and ".git" in dirs: dirs.remove(".git")
        for name in files + [d for d in dirs if os.path.islink(os.path.join(folder, d))]:
            full = os.path.join(folder, name)
            rel = os.path.relpath(full, root)
            if rel == ".git": continue
            st = os.lstat(full)
            if stat.S_ISLNK(st.st_mode):
                kind, data = "link", os.readlink(full).encode()
            else:
                kind = "exec" if st.st_mode & 0o111 else "file"
                data = open(full, "rb").read()
            lines.append((rel.encode(), f"{kind} {hashlib.sha256(data).hexdigest()} {rel}\n"))
    lines.sort()
    print("sha256:" + hashlib.sha256("".join(l for _, l in lines).encode()).hexdigest())
    """#
}
