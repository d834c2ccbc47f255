import Foundation
import KraftFetch
import KraftModel
import Testing

/// libgit2 fetches over every transport kraft supports, each served on loopback.
@Suite struct GitFetchTests {
  let upstream: UpstreamFixture

  init() async throws { upstream = try await UpstreamFixture.shared.value }

  func gitRequest(_ url: String, ref: GitReference?, pin: UpstreamPin) -> SourceRequest {
    SourceRequest(name: "widget", version: "1.0", origin: .git(url: url, ref: ref), pin: pin)
  }

  @Test func aTagOverFileURLChecksOutTheSameTreeAsTheReleaseArchive() throws {
    let fetcher = try makeFetcher()
    let prepared = try fetcher.prepare(
      gitRequest(
        "file://" + upstream.bareRepository, ref: .tag("v1.0"),
        pin: UpstreamPin(commit: upstream.tagCommit, treeHash: upstream.treeHashV1)))
    #expect(prepared.lockEntry.kind == .git)
    #expect(prepared.lockEntry.pin.treeHash == upstream.treeHashV1)
    #expect(FileManager.default.isExecutableFile(atPath: prepared.directory + "/configure"))
    #expect(!FileManager.default.fileExists(atPath: prepared.directory + "/.git"))
    let source = try String(contentsOfFile: prepared.directory + "/src/widget.c", encoding: .utf8)
    #expect(source.contains("return 1;"))
  }

  @Test func aTagOverSmartHTTP() throws {
    let server = try LoopbackHTTPServer(root: upstream.root)
    defer { server.stop() }
    let prepared = try makeFetcher().prepare(
      gitRequest(
        "\(server.baseURL)/git/widget.git", ref: .tag("v1.0"),
        pin: UpstreamPin(commit: upstream.tagCommit)))
    #expect(prepared.lockEntry.pin.treeHash == upstream.treeHashV1)
    #expect(server.requests.contains { $0.contains("git-upload-pack") })
  }

  @Test func aCommitOverGitDaemon() throws {
    let daemon = try GitDaemon(basePath: upstream.root)
    defer { daemon.stop() }
    let prepared = try makeFetcher().prepare(
      gitRequest(
        "\(daemon.baseURL)/widget.git", ref: .ref(upstream.mainCommit),
        pin: UpstreamPin(commit: upstream.mainCommit)))
    let source = try String(contentsOfFile: prepared.directory + "/src/widget.c", encoding: .utf8)
    #expect(source.contains("return 2;"))
    #expect(prepared.lockEntry.pin.commit == upstream.mainCommit)
  }

  @Test func aWrongCommitPinStopsWithBothIdsAndAddsNoTree() throws {
    let fetcher = try makeFetcher()
    let wrong = String(repeating: "a", count: 40)
    let error = fetchError {
      _ = try fetcher.prepare(
        gitRequest(
          "file://" + upstream.bareRepository, ref: .tag("v1.0"), pin: UpstreamPin(commit: wrong)))
    }
    #expect(error?.kind == .verificationFailed)
    #expect(error?.message.contains(wrong) == true)
    #expect(error?.message.contains(upstream.tagCommit) == true)
    #expect(cacheEntries(fetcher).isEmpty)
  }

  @Test func anUnpinnedBranchIsLockedToItsCommitAndReusedOffline() throws {
    let cache = try TestScratch.make("branch-cache")
    // As a Kraftfile names it: `source: file://.../widget.git`, `version: main`.
    let request = try #require(
      SourceRequest.explicit(
        name: "widget", source: .git(url: "file://" + upstream.bareRepository, ref: nil),
        version: "main"))
    #expect(request.allowsUnpinned && request.pin.isEmpty)
    let first = try makeFetcher(cache: cache).prepare(request)
    #expect(first.lockEntry.pin.commit == upstream.mainCommit)
    // The lockfile entry pins the branch from now on; offline needs nothing new.
    let locked = try request.locked(by: first.lockEntry)
    let second = try makeFetcher(cache: cache, offline: true).prepare(locked)
    #expect(second.directory == first.directory && !second.downloaded)
  }

  @Test func offlineWithoutTheRepositorySaysWhatIsMissing() throws {
    let error = fetchError {
      _ = try makeFetcher(offline: true).prepare(
        gitRequest(
          "git://127.0.0.1:1/widget.git", ref: .tag("v1.0"),
          pin: UpstreamPin(commit: upstream.tagCommit)))
    }
    #expect(error?.kind == .fetchFailed)
    #expect(error?.message.contains("offline: tag 'v1.0' of 'git://127.0.0.1:1/widget.git'") == true)
  }

  @Test func aGitMirrorServesTheUpstreamURLWithTheSamePins() throws {
    let daemon = try GitDaemon(basePath: upstream.root)
    defer { daemon.stop() }
    let mirrors = MirrorTable(
      rules: try MirrorTable.parse(environmentValue: "https://git.example.org/=\(daemon.baseURL)/"))
    let prepared = try makeFetcher(mirrors: mirrors).prepare(
      gitRequest(
        "https://git.example.org/widget.git", ref: .tag("v1.0"),
        pin: UpstreamPin(commit: upstream.tagCommit, treeHash: upstream.treeHashV1)))
    #expect(prepared.lockEntry.url == "https://git.example.org/widget.git")
  }
}
