import Foundation
import KraftFetch
import KraftModel
import Testing

/// Patches that try to reach outside the tree they patch through symbolic links.
@Suite struct PatchLinkTests {
  let upstream: UpstreamFixture

  init() async throws { upstream = try await UpstreamFixture.shared.value }

  /// A git-style patch adding a symbolic link `path -> target`.
  static func addLink(_ path: String, to target: String) -> String {
    """
    diff --git a/\(path) b/\(path)
    new file mode 120000
    --- /dev/null
    +++ b/\(path)
    @@ -0,0 +1 @@
    +\(target)
    \\ No newline at end of file

    """
  }

  /// A git-style patch adding a one-line file.
  static func addFile(_ path: String) -> String {
    """
    diff --git a/\(path) b/\(path)
    new file mode 100644
    --- /dev/null
    +++ b/\(path)
    @@ -0,0 +1 @@
    +written by a patch

    """
  }

  /// Prepares the fixture's archive with these patches (file name -> text); returns the error.
  func patchError(_ patches: [String: String]) throws -> (FetchError?, SourceFetcher) {
    let folder = try TestScratch.make("link-port")
    for (name, text) in patches { try TestScratch.write(text, to: folder + "/patches/" + name) }
    let fetcher = try makeFetcher()
    let request = archiveRequest(
      upstream.tarGz, pin: UpstreamPin(archiveSHA256: upstream.tarGzSHA256),
      patches: try PatchSet.load(portDirectory: folder))
    return (fetchError { _ = try fetcher.prepare(request) }, fetcher)
  }

  @Test func aLinkOutOfTheTreeThenAFileThroughItWritesNothingOnTheHost() throws {
    let host = try TestScratch.make("host-dir")
    let (error, fetcher) = try patchError([
      "0001-link.patch": Self.addLink("evil-link", to: host),
      "0002-file.patch": Self.addFile("evil-link/file"),
    ])
    #expect(error?.kind == .verificationFailed, "\(String(describing: error))")
    #expect(error?.message.contains("0001-link.patch") == true, "\(String(describing: error))")
    #expect(error?.message.contains("out of the source tree") == true)
    #expect(TestScratch.entries(host).isEmpty)
    #expect(TestScratch.entries(fetcher.cache.root + "/patched").isEmpty)
  }

  @Test func aFileWrittenThroughALinkInsideTheTreeIsRefused() throws {
    let (error, _) = try patchError([
      "0001-link.patch": Self.addLink("inner", to: "src"),
      "0002-file.patch": Self.addFile("inner/new.c"),
    ])
    #expect(error?.message.contains("0002-file.patch") == true, "\(String(describing: error))")
    #expect(error?.message.contains("through a symbolic link") == true)
  }

  @Test func oneLinkAndAFileThroughItInOnePatchAreRefused() throws {
    let host = try TestScratch.make("host-dir")
    let (error, _) = try patchError([
      "0001-both.patch": Self.addLink("evil-link", to: host) + Self.addFile("evil-link/file")
    ])
    #expect(
      error?.message.contains("the same patch makes 'evil-link'") == true, "\(String(describing: error))")
    #expect(TestScratch.entries(host).isEmpty)
  }

  @Test func anUpstreamLinkIsNotWrittenThrough() throws {
    // The fixture's `include/widget.h` is a link to `../src/widget.h`.
    let patch = """
      diff --git a/include/widget.h b/include/widget.h
      --- a/include/widget.h
      +++ b/include/widget.h
      @@ -1 +1 @@
      -int widget(void);
      +int widget(int);

      """
    let (error, _) = try patchError(["0001-header.patch": patch])
    #expect(
      error?.message.contains("'include/widget.h' through a symbolic link") == true,
      "\(String(describing: error))")
  }

  @Test func twoChainedRelativeLinksLeavingTheTreeAreRefused() throws {
    // Each link alone stays inside by its text; followed, `l2` is the tree's parent.
    let (error, _) = try patchError([
      "0001-chain.patch": Self.addLink("src/l1", to: "..") + Self.addLink("l2", to: "src/l1/..")
    ])
    #expect(
      error?.message.contains("makes 'l2' a symbolic link out of") == true, "\(String(describing: error))")
  }

  @Test func aLinkInsideTheTreeIsKept() throws {
    let folder = try TestScratch.make("link-port")
    try TestScratch.write(
      Self.addLink("include/alias.h", to: "../src/widget.h"), to: folder + "/patches/0001.patch")
    let prepared = try makeFetcher().prepare(
      archiveRequest(
        upstream.tarGz, pin: UpstreamPin(archiveSHA256: upstream.tarGzSHA256),
        patches: try PatchSet.load(portDirectory: folder)))
    let target = try FileManager.default.destinationOfSymbolicLink(
      atPath: prepared.directory + "/include/alias.h")
    #expect(target == "../src/widget.h")
    // libgit2 writes a `.git` link file into a work tree it is given at init; none is left.
    #expect(!FileManager.default.fileExists(atPath: prepared.directory + "/.git"))
  }
}

/// A repository is data too: its links may not lead out of the tree.
@Suite struct GitLinkTests {
  @Test func aRepositoryWithAChainedLinkLeavingTheTreeIsRefused() throws {
    let work = try TestScratch.make("evil-repo")
    try TestScratch.write("x\n", to: work + "/README")
    try FileManager.default.createDirectory(atPath: work + "/sub", withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(atPath: work + "/sub/l1", withDestinationPath: "..")
    try FileManager.default.createSymbolicLink(atPath: work + "/l2", withDestinationPath: "sub/l1/..")
    let git = { (args: [String]) throws -> String in
      try TestScratch.run(["git", "-c", "user.name=t", "-c", "user.email=t@e"] + args, in: work)
    }
    try git(["init", "-q", "-b", "main"])
    try git(["add", "-A"])
    try git(["commit", "-q", "-m", "evil"])
    let commit = try git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
    let fetcher = try makeFetcher()
    let error = fetchError {
      _ = try fetcher.prepare(
        SourceRequest(
          name: "evil", version: "1", origin: .git(url: "file://" + work, ref: .branch("main")),
          pin: UpstreamPin(commit: commit)))
    }
    #expect(
      error?.message.contains("symbolic link 'l2' leaving the tree") == true, "\(String(describing: error))")
    #expect(cacheEntries(fetcher).isEmpty)
  }
}
