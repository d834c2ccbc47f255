import Foundation
import KraftFetch
import KraftModel

/// A fetcher over a fresh, empty cache.
func makeFetcher(
  cache root: String? = nil, offline: Bool = false, mirrors: MirrorTable = MirrorTable()
) throws -> SourceFetcher {
  let cache = SourceCache(root: try root ?? TestScratch.make("cache"))
  return SourceFetcher(cache: cache, mirrors: mirrors, offline: offline)
}

func archiveRequest(_ url: String, pin: UpstreamPin, patches: PatchSet = PatchSet(patches: []))
  -> SourceRequest
{
  SourceRequest(
    name: "widget", version: "1.0", origin: .archive(url: url), pin: pin, patches: patches)
}

/// The thrown error as a FetchError, or nil when nothing (or something else) was thrown.
func fetchError(_ body: () throws -> Void) -> FetchError? {
  do {
    try body()
    return nil
  } catch let error as FetchError {
    return error
  } catch {
    return nil
  }
}

/// Entries of the cache that count as content: nothing half-made may appear here.
func cacheEntries(_ fetcher: SourceFetcher) -> [String] {
  ["archives/sha256", "trees", "patched"].flatMap { folder in
    TestScratch.entries(fetcher.cache.root + "/" + folder).map { folder + "/" + $0 }
  }
}
