import Foundation
import KraftBasics
import KraftFetch
import KraftModel
import Testing

/// The pieces of `kraft mirror`: a folder laid out by URL, rules added to the mirrors file
/// without disturbing it, and Debian source packages mirrored for any port's hint.
@Suite struct LocalMirrorTests {
  @Test func filesAreLaidOutByURLAndStoredWhole() throws {
    let root = try TestScratch.make("mirror")
    let folder = MirrorFolder(root: root)
    #expect(
      try folder.path(for: "https://www.lua.org/ftp/lua-5.4.4.tar.gz")
        == root + "/www.lua.org/ftp/lua-5.4.4.tar.gz")
    for bad in ["file:///tmp/x.tar.gz", "https://host/dir/", "https://host/a/../../x.tgz", "lua.tgz"] {
      #expect(fetchError { _ = try folder.path(for: bad) }?.kind == .usage, "\(bad)")
    }
    try TestScratch.write("archive bytes", to: root + "/in/x-1.0.tar.gz")
    let stored = try folder.store(file: root + "/in/x-1.0.tar.gz", as: "https://example.org/x/x-1.0.tar.gz")
    #expect(stored == root + "/example.org/x/x-1.0.tar.gz")
    #expect(try String(contentsOfFile: stored, encoding: .utf8) == "archive bytes")
    #expect(TestScratch.entries(root + "/example.org/x") == ["x-1.0.tar.gz"])
    #expect(
      fetchError { _ = try folder.store(file: root + "/missing", as: "https://e/x.tgz") }?.kind
        == .missingInput)
  }

  @Test func defaultFolderFollowsTheEnvironment() {
    #expect(MirrorFolder.defaultRoot(environment: ["KRAFT_MIRROR_DIR": "/m", "HOME": "/h"]) == "/m")
    #expect(
      MirrorFolder.defaultRoot(environment: ["XDG_DATA_HOME": "/d", "HOME": "/h"]) == "/d/kraft/mirror")
    #expect(MirrorFolder.defaultRoot(environment: ["HOME": "/h"]) == "/h/.local/share/kraft/mirror")
  }

  @Test func rulesAreAddedToTheMirrorsFileKeepingItsText() throws {
    let fresh = try #require(
      try MirrorConfigEditor.adding(
        prefix: "https://e/x.tgz", url: "file:///m/e/x.tgz", to: nil, file: "m.yaml"))
    #expect(fresh == "mirrors:\n  - prefix: 'https://e/x.tgz'\n    url: 'file:///m/e/x.tgz'\n")
    #expect(
      try MirrorConfigEditor.adding(
        prefix: "https://e/x.tgz", url: "file:///m/e/x.tgz", to: fresh, file: "m.yaml") == nil)
    #expect(
      fetchError {
        _ = try MirrorConfigEditor.adding(
          prefix: "https://e/x.tgz", url: "file:///other", to: fresh, file: "m.yaml")
      }?.message.contains("already maps 'https://e/x.tgz'") == true)

    let commented = "# my mirrors\nmirrors:\n- prefix: https://a/\n  url: http://proxy/a/  # the proxy\n"
    let added = try #require(
      try MirrorConfigEditor.adding(
        prefix: "https://b/y.tgz", url: "file:///m/b/y.tgz", to: commented, file: "m.yaml"))
    #expect(added.hasPrefix(commented))
    #expect(
      try MirrorConfig.parseFile(added, file: "m.yaml").map(\.prefix) == ["https://a/", "https://b/y.tgz"])

    let empty = try #require(
      try MirrorConfigEditor.adding(
        prefix: "https://b/y.tgz", url: "file:///y", to: "mirrors: []\n", file: "m.yaml"))
    #expect(try MirrorConfig.parseFile(empty, file: "m.yaml").map(\.replacement) == ["file:///y"])
  }

  /// `apt-get` stands in for Debian: it "downloads" the orig tarball into its working folder.
  final class FakeApt: ProcessRunner, @unchecked Sendable {
    var bytes: String
    var calls: [ProcessCommand] = []
    init(bytes: String) { self.bytes = bytes }
    func run(_ command: ProcessCommand, output: ProcessOutputMode) throws -> ProcessResult {
      calls.append(command)
      try bytes.write(
        toFile: command.workingDirectory! + "/zz_1.0.orig.tar.gz", atomically: true, encoding: .utf8)
      return ProcessResult(status: 0)
    }
  }

  @Test func debianSourcesAreMirroredAndCheckedAgainstThePin() throws {
    let root = try TestScratch.make("debian")
    let item = DebianMirrorSync.Item(
      port: "zz", version: "1.0", url: "https://zz.example/rel/zz-1.0.tar.gz",
      debian: UpstreamDebianSource(package: "zz", version: "1.0-1", orig: "zz_1.0.orig.tar.gz"),
      sha256: SHA256.hex(of: "upstream"))
    let apt = FakeApt(bytes: "upstream")
    let sync = DebianMirrorSync(folder: MirrorFolder(root: root), runner: apt)
    let first = try sync.sync(item)
    #expect(first == (root + "/zz.example/rel/zz-1.0.tar.gz", true))
    #expect(apt.calls.map(\.arguments) == [["source", "--download-only", "-qq", "zz=1.0-1"]])
    #expect(try sync.sync(item).downloaded == false)
    #expect(apt.calls.count == 1)

    let other = try TestScratch.make("debian-bad")
    let repacked = DebianMirrorSync(folder: MirrorFolder(root: other), runner: FakeApt(bytes: "repacked"))
    let error = fetchError { _ = try repacked.sync(item) }
    #expect(error?.kind == .verificationFailed)
    #expect(error?.message.contains("remove its 'debian:' hint") == true)
    #expect(!FileManager.default.fileExists(atPath: other + "/zz.example/rel/zz-1.0.tar.gz"))
  }
}
