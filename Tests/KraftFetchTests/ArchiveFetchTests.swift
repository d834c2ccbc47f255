import Foundation
import KraftFetch
import KraftModel
import Testing

@Suite struct ArchiveFetchTests {
  let upstream: UpstreamFixture

  init() async throws { upstream = try await UpstreamFixture.shared.value }

  @Test func everyArchiveFormatGivesTheTaggedTreeHash() throws {
    let server = try LoopbackHTTPServer(root: upstream.root)
    defer { server.stop() }
    for name in ["widget-1.0.tar.gz", "widget-1.0.tar.xz", "widget-1.0.tar.bz2", "widget-1.0.zip"] {
      let fetcher = try makeFetcher()
      let request = archiveRequest(
        "\(server.baseURL)/files/\(name)", pin: UpstreamPin(treeHash: upstream.treeHashV1))
      let prepared = try fetcher.prepare(request)
      #expect(prepared.lockEntry.pin.treeHash == upstream.treeHashV1, "\(name)")
      #expect(prepared.downloaded)
      let configure = prepared.directory + "/configure"
      #expect(FileManager.default.isExecutableFile(atPath: configure), "\(name)")
      let link = try FileManager.default.destinationOfSymbolicLink(
        atPath: prepared.directory + "/include/widget.h")
      #expect(link == "../src/widget.h")
    }
  }

  @Test func aSecondProjectOnTheSameCacheFetchesNothing() throws {
    let server = try LoopbackHTTPServer(root: upstream.root)
    defer { server.stop() }
    let cache = try TestScratch.make("shared-cache")
    let request = archiveRequest(
      "\(server.baseURL)/files/widget-1.0.tar.gz",
      pin: UpstreamPin(archiveSHA256: upstream.tarGzSHA256, treeHash: upstream.treeHashV1))
    let first = try makeFetcher(cache: cache).prepare(request)
    let second = try makeFetcher(cache: cache).prepare(request)
    #expect(first.downloaded && !second.downloaded)
    #expect(first.directory == second.directory)
    #expect(server.requests == ["/files/widget-1.0.tar.gz"])
  }

  @Test func aWrongArchiveHashStopsWithBothHashesAndLeavesNoEntry() throws {
    let fetcher = try makeFetcher()
    let wrong = String(repeating: "0", count: 64)
    let error = fetchError {
      _ = try fetcher.prepare(archiveRequest(upstream.tarGz, pin: UpstreamPin(archiveSHA256: wrong)))
    }
    #expect(error?.kind == .verificationFailed)
    #expect(error?.message.contains(wrong) == true)
    #expect(error?.message.contains(upstream.tarGzSHA256) == true)
    #expect(cacheEntries(fetcher).isEmpty)
  }

  @Test func aWrongTreeHashLeavesNeitherArchiveNorTree() throws {
    let fetcher = try makeFetcher()
    let wrong = "sha256:" + String(repeating: "1", count: 64)
    let error = fetchError {
      _ = try fetcher.prepare(
        archiveRequest(
          "file://" + upstream.tarGz,
          pin: UpstreamPin(archiveSHA256: upstream.tarGzSHA256, treeHash: wrong)))
    }
    #expect(error?.kind == .verificationFailed)
    #expect(error?.message.contains(upstream.treeHashV1) == true)
    #expect(cacheEntries(fetcher).isEmpty)
  }

  @Test(arguments: [
    ("evil-1.0/../../escaped.txt", "'..'"),
    ("/etc/evil.txt", "absolute"),
  ])
  func anArchiveWithAnEscapingPathIsRefused(entry: String, reason: String) throws {
    let folder = try TestScratch.make("evil")
    let archive = folder + "/evil.tar.gz"
    try TestScratch.run(
      [
        "python3", "-c",
        """
        import io, sys, tarfile
        with tarfile.open(sys.argv[1], "w:gz") as t:
            for name in ["evil-1.0/ok.txt", sys.argv[2]]:
                info = tarfile.TarInfo(name); data = b"x\\n"; info.size = len(data)
                t.addfile(info, io.BytesIO(data))
        """, archive, entry,
      ], in: folder)
    let fetcher = try makeFetcher()
    let error = fetchError {
      _ = try fetcher.prepare(archiveRequest(archive, pin: UpstreamPin()).allowingUnpinned())
    }
    #expect(error?.kind == .verificationFailed)
    #expect(error?.message.contains(reason) == true, "\(String(describing: error))")
    #expect(!FileManager.default.fileExists(atPath: folder + "/escaped.txt"))
    #expect(cacheEntries(fetcher).isEmpty)
  }

  @Test func aSymlinkPointingOutOfTheTreeIsRefused() throws {
    let folder = try TestScratch.make("evil-link")
    let archive = folder + "/evil.tar.gz"
    try TestScratch.run(
      [
        "python3", "-c",
        """
        import sys, tarfile
        with tarfile.open(sys.argv[1], "w:gz") as t:
            info = tarfile.TarInfo("evil-1.0/sub/out"); info.type = tarfile.SYMTYPE
            info.linkname = "../../../etc"; t.addfile(info)
        """, archive,
      ], in: folder)
    let fetcher = try makeFetcher()
    let error = fetchError {
      _ = try fetcher.prepare(archiveRequest(archive, pin: UpstreamPin()).allowingUnpinned())
    }
    #expect(error?.message.contains("outside the tree") == true)
    #expect(cacheEntries(fetcher).isEmpty)
  }

  @Test func anInterruptedDownloadFailsAndLeavesNothingBehind() throws {
    let server = try LoopbackHTTPServer(root: upstream.root)
    defer { server.stop() }
    let fetcher = try makeFetcher()
    let error = fetchError {
      _ = try fetcher.prepare(
        archiveRequest(
          "\(server.baseURL)/drop/widget-1.0.tar.gz",
          pin: UpstreamPin(archiveSHA256: upstream.tarGzSHA256)))
    }
    #expect(error?.kind == .fetchFailed, "\(String(describing: error))")
    #expect(cacheEntries(fetcher).isEmpty)
    #expect(TestScratch.entries(fetcher.cache.root + "/tmp").isEmpty)
  }

  @Test func twoConcurrentFetchesOfOneSourceDownloadOnce() throws {
    let server = try LoopbackHTTPServer(root: upstream.root)
    defer { server.stop() }
    let cache = try TestScratch.make("concurrent-cache")
    let request = archiveRequest(
      "\(server.baseURL)/files/widget-1.0.tar.gz",
      pin: UpstreamPin(archiveSHA256: upstream.tarGzSHA256, treeHash: upstream.treeHashV1))
    let results = ResultBox()
    // Separate fetchers on one cache, as two kraft processes would be (flock locks are per
    // open file, so threads exclude each other the same way). Plain threads, not
    // concurrentPerform: blocking dispatch workers could starve URLSession's own queue.
    let done = DispatchSemaphore(value: 0)
    for _ in 0..<2 {
      Thread {
        results.add(Result { try makeFetcher(cache: cache).prepare(request) })
        done.signal()
      }.start()
    }
    done.wait()
    done.wait()
    let prepared = try results.all.map { try $0.get() }
    #expect(prepared.count == 2)
    #expect(Set(prepared.map(\.directory)).count == 1)
    #expect(prepared.filter(\.downloaded).count == 1)
    #expect(server.requests.count == 1)
  }

  @Test func offlineNamesWhatIsMissingAndUsesWhatIsCached() throws {
    let cache = try TestScratch.make("offline-cache")
    let request = archiveRequest(
      "https://example.invalid/widget-1.0.tar.gz",
      pin: UpstreamPin(archiveSHA256: upstream.tarGzSHA256, treeHash: upstream.treeHashV1))
    let error = fetchError { _ = try makeFetcher(cache: cache, offline: true).prepare(request) }
    #expect(error?.kind == .fetchFailed)
    #expect(error?.message.contains("offline") == true)
    #expect(error?.message.contains("'https://example.invalid/widget-1.0.tar.gz'") == true)
    // Fill the cache through a mirror, then offline works for the original URL.
    let mirrors = MirrorTable(rules: [
      .init(prefix: "https://example.invalid/", replacement: "file://\(upstream.root)/")
    ])
    _ = try makeFetcher(cache: cache, mirrors: mirrors).prepare(request)
    let offline = try makeFetcher(cache: cache, offline: true).prepare(request)
    #expect(!offline.downloaded)
    #expect(offline.lockEntry.pin.treeHash == upstream.treeHashV1)
  }

  @Test func anUnpinnedPortIsRefused() throws {
    let error = fetchError {
      _ = try makeFetcher().prepare(archiveRequest(upstream.tarGz, pin: UpstreamPin()))
    }
    #expect(error?.kind == .verificationFailed)
    #expect(error?.message.contains("not pinned") == true)
  }
}

extension SourceRequest {
  func allowingUnpinned() -> SourceRequest {
    var copy = self
    copy.allowsUnpinned = true
    return copy
  }
}

/// Collects results from concurrent work.
final class ResultBox: @unchecked Sendable {
  private let lock = NSLock()
  private var results: [Result<PreparedSource, Error>] = []
  func add(_ result: Result<PreparedSource, Error>) {
    lock.lock()
    results.append(result)
    lock.unlock()
  }
  var all: [Result<PreparedSource, Error>] {
    lock.lock()
    defer { lock.unlock() }
    return results
  }
}
