import Foundation
import KraftBasics
import KraftBuild
import KraftFetch
import KraftModel
import Testing

/// The porting workflow on a local git repository: `kraft port new` pins what it fetched,
/// `edit` gives a checkout of the patched tree, `diff` turns edits into numbered patches that
/// the fetch layer then applies to the pristine upstream.
@Suite struct PortWorkflowTests {
  let scratch: String
  let upstream: String
  let fetcher: SourceFetcher
  let fileSystem = LocalFileSystem()

  init() throws {
    scratch = NSTemporaryDirectory() + "kraft-port-test-" + UUID().uuidString
    upstream = scratch + "/upstream"
    try FileManager.default.createDirectory(atPath: upstream, withIntermediateDirectories: true)
    try "int answer(void) { return 41; }\n".write(
      toFile: upstream + "/answer.c", atomically: true, encoding: .utf8)
    try FileManager.default.createDirectory(
      atPath: upstream + "/include", withIntermediateDirectories: true)
    try "int answer(void);\n".write(
      toFile: upstream + "/include/answer.h", atomically: true, encoding: .utf8)
    try Self.git(["init", "-q"], in: upstream)
    try Self.git(["add", "."], in: upstream)
    try Self.git(["commit", "-q", "-m", "first"], in: upstream)
    try Self.git(["tag", "v1.0"], in: upstream)
    fetcher = SourceFetcher(cache: SourceCache(root: scratch + "/cache"))
  }

  static func git(_ arguments: [String], in directory: String) throws {
    let result = try SystemProcessRunner().capture(
      ProcessCommand(
        "git", arguments, workingDirectory: directory,
        environment: [
          "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
          "GIT_COMMITTER_EMAIL": "t@t",
        ]))
    guard result.status == 0 else {
      throw PortError(.internal, "git \(arguments) failed: \(result.stderr)")
    }
  }

  /// `kraft port new answer --git file://... --tag v1.0` into `scratch/Ports`.
  func scaffold() throws -> PortDescription {
    let scaffold = PortScaffold(fileSystem: fileSystem)
    let source = PortScaffold.Source.git(url: "file://" + upstream, tag: "v1.0")
    let version = PortScaffold.version(of: source, name: "answer")
    let prepared = try fetcher.prepare(scaffold.request(name: "answer", version: version, source: source))
    _ = try scaffold.write(
      name: "answer", source: source, prepared: prepared, directory: scratch + "/Ports/answer")
    return try PortDescription.load(directory: scratch + "/Ports/answer", fileSystem: fileSystem)
  }

  @Test func newPinsTheFetchedCommitAndTree() throws {
    let port = try scaffold()
    let version = try #require(port.recipe.upstream.version(nil))
    #expect(version.version == "1.0")
    #expect(version.git?.ref == .tag("v1.0"))
    #expect(version.pin.commit?.count == 40)
    #expect(version.pin.treeHash?.hasPrefix("sha256:") == true)
    #expect(port.manifest.sources.map(\.path) == ["answer.c"])
    #expect(port.manifest.includes.map(\.path) == ["include"])
    // The written pins verify: a second fetch through the recipe is accepted.
    let again = try fetcher.prepare(port: port.recipe, version: nil, lock: nil)
    #expect(again.lockEntry.pin == version.pin)
  }

  @Test func editAndDiffRoundTrip() throws {
    var port = try scaffold()
    let prepared = try fetcher.prepare(port: port.recipe, version: nil, lock: nil)
    let workspace = scratch + "/answer-src"
    let tool = PortWorkspace(runner: SystemProcessRunner(), fileSystem: fileSystem)
    try tool.create(port: port, prepared: prepared, workspace: workspace)
    #expect(try fileSystem.readText(workspace + "/answer.c").contains("41"))

    // No edits yet: nothing to turn into a patch.
    #expect(throws: PortError.self) {
      try tool.diff(port: port, workspace: workspace, subject: "nothing")
    }

    try fileSystem.writeText("int answer(void) { return 42; }\n", to: workspace + "/answer.c")
    let first = try tool.diff(port: port, workspace: workspace, subject: "Answer: return 42")
    #expect(first.hasSuffix("/patches/0001-answer-return-42.patch"))
    let patchText = try fileSystem.readText(first)
    #expect(patchText.contains("Subject: [PATCH] Answer: return 42"))
    #expect(patchText.contains("+int answer(void) { return 42; }"))

    // The fetch layer applies the new patch set to the pristine upstream.
    port = try PortDescription.load(directory: port.directory, fileSystem: fileSystem)
    let patched = try fetcher.prepare(port: port.recipe, version: nil, lock: nil)
    #expect(try fileSystem.readText(patched.directory + "/answer.c").contains("42"))
    #expect(patched.lockEntry.patchSetHash != nil)

    // A second edit becomes 0002, on top of the first.
    try fileSystem.writeText("int answer(void);\nint twice(void);\n", to: workspace + "/include/answer.h")
    let second = try tool.diff(port: port, workspace: workspace, subject: "declare twice")
    #expect(second.hasSuffix("/patches/0002-declare-twice.patch"))
    #expect(try !fileSystem.readText(second).contains("return 42"))
    port = try PortDescription.load(directory: port.directory, fileSystem: fileSystem)
    #expect(port.patches == ["0001-answer-return-42.patch", "0002-declare-twice.patch"])
    let both = try fetcher.prepare(port: port.recipe, version: nil, lock: nil)
    #expect(try fileSystem.readText(both.directory + "/include/answer.h").contains("twice"))
    #expect(try fileSystem.readText(both.directory + "/answer.c").contains("42"))

    // `edit` again starts from the patched tree.
    let fresh = scratch + "/answer-src-2"
    try tool.create(port: port, prepared: both, workspace: fresh)
    #expect(try fileSystem.readText(fresh + "/answer.c").contains("42"))
  }

  @Test func catalogSearchOrderPrefersTheProject() throws {
    _ = try scaffold()
    let builtin = scratch + "/Ports"
    let project = scratch + "/project"
    try fileSystem.createDirectory(project + "/Ports/answer")
    let text = try fileSystem.readText(builtin + "/answer/port.yaml")
      .replacingOccurrences(of: "description: answer 1.0", with: "description: the project's copy")
    try fileSystem.writeText(text, to: project + "/Ports/answer/port.yaml")
    let roots = PortCatalog.searchRoots(
      projectDirectory: project, builtinPorts: builtin,
      environment: ["KRAFT_PORTS_PATH": scratch + "/a:" + scratch + "/b", "HOME": "/home/u"])
    #expect(
      roots.map(\.origin) == [.project, .path, .path, .user, .builtin])
    #expect(roots[3].directory == "/home/u/.local/share/kraft/ports")
    let catalog = PortCatalog(roots: roots, fileSystem: fileSystem)
    let entry = try catalog.port(named: "answer")
    #expect(entry.origin == .project)
    #expect(entry.description.manifest.description == "the project's copy")
    #expect(try catalog.all().map(\.name) == ["answer"])
    #expect(throws: PortError.self) { try catalog.port(named: "answr") }
  }

  @Test func patchNamesAndVersions() {
    #expect(
      PortWorkspace.nextPatchName(existing: [], subject: "Fix: the build!") == "0001-fix-the-build.patch")
    #expect(
      PortWorkspace.nextPatchName(existing: ["0001-a.patch", "0007-b.patch"], subject: "")
        == "0008-edit.patch")
    #expect(
      PortScaffold.version(of: .archive(url: "https://x/zlib-1.3.1.tar.gz"), name: "zlib") == "1.3.1")
    #expect(PortScaffold.version(of: .git(url: "u", tag: "v2.1.3"), name: "lwip") == "2.1.3")
    #expect(PortScaffold.version(of: .git(url: "u", tag: "openssl-3.0.20"), name: "openssl") == "3.0.20")
  }
}
