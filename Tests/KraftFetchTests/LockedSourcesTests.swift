import Foundation
import KraftBasics
import KraftFetch
import KraftManifest
import KraftModel
import Testing

/// The lock policy (`LockedSources`): what `kraft fetch`, `kraft lock` and `kraft build
/// [--locked]` do with `Kraftfile.lock`, over a local archive (no network).
@Suite struct LockedSourcesTests {
  let upstream: UpstreamFixture
  init() async throws { upstream = try await UpstreamFixture.shared.value }

  var request: SourceRequest {
    archiveRequest(
      "file://" + upstream.tarGz,
      pin: UpstreamPin(archiveSHA256: upstream.tarGzSHA256, treeHash: upstream.treeHashV1))
  }

  func lockText(_ project: String) -> String? {
    try? String(contentsOfFile: project + "/" + LockfileCodec.fileName, encoding: .utf8)
  }

  @Test func withoutLockedWhatWasPreparedIsRecordedAndTheLockThenHolds() throws {
    let project = try TestScratch.make("project")
    let cache = try TestScratch.make("cache")
    let sources = try LockedSources(
      fetcher: try makeFetcher(cache: cache), kraftfileDirectory: project, locked: false)
    let prepared = try sources.prepare(request)
    #expect(sources.prepared["widget"] == prepared)
    #expect(sources.lockfile["widget"] == prepared.lockEntry)
    let written = try #require(lockText(project))
    #expect(try LockfileCodec.decode(written, file: "lock")["widget"] == prepared.lockEntry)

    // The same project built with `--locked` agrees with its lock and leaves it as it was.
    let strict = try LockedSources(
      fetcher: try makeFetcher(cache: cache), kraftfileDirectory: project, locked: true)
    #expect(try strict.prepare(request).directory == prepared.directory)
    #expect(lockText(project) == written)
  }

  @Test func lockedWithoutALockFileSaysToRunKraftLock() throws {
    let project = try TestScratch.make("project")
    let error = fetchError {
      _ = try LockedSources(fetcher: try makeFetcher(), kraftfileDirectory: project, locked: true)
    }
    #expect(error?.kind == .verificationFailed)
    #expect(error?.message.contains("kraft lock") == true)
  }

  @Test func lockedRefusesASourceTheLockLacksAndWritesNothing() throws {
    let project = try TestScratch.make("project")
    try LockedSources(fetcher: try makeFetcher(), kraftfileDirectory: project, locked: false)
      .writeIfMissing()
    let empty = try #require(lockText(project))
    let strict = try LockedSources(
      fetcher: try makeFetcher(), kraftfileDirectory: project, locked: true)
    let error = fetchError { _ = try strict.prepare(request) }
    #expect(error?.kind == .verificationFailed)
    #expect(error?.message.contains("no entry for 'widget'") == true)
    #expect(lockText(project) == empty)
    #expect(strict.prepared.isEmpty)
  }

  @Test func pruningDropsEntriesNoLongerPreparedUnlessLocked() throws {
    let project = try TestScratch.make("project")
    let cache = try TestScratch.make("cache")
    _ = try LockedSources(
      fetcher: try makeFetcher(cache: cache), kraftfileDirectory: project, locked: false
    ).prepare(request)

    let strict = try LockedSources(
      fetcher: try makeFetcher(cache: cache), kraftfileDirectory: project, locked: true)
    try strict.pruneUnprepared()
    #expect(strict.lockfile["widget"] != nil)

    let unused = try LockedSources(
      fetcher: try makeFetcher(cache: cache), kraftfileDirectory: project, locked: false)
    try unused.pruneUnprepared()
    #expect(unused.lockfile.entries.isEmpty)
    #expect(try LockfileCodec.decode(try #require(lockText(project)), file: "lock").entries.isEmpty)
  }
}
