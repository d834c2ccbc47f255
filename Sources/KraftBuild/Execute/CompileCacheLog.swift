import Foundation

/// ccache's stats log for one build (`CCACHE_STATSLOG`): each compile appends a record, a
/// `# SOURCE` line and then the names of the counters it bumped (`direct_cache_hit`,
/// `cache_miss`, `remote_storage_hit`, ...). The counts of this build alone, exactly, even
/// while other builds use the same cache.
final class CompileCacheLog: @unchecked Sendable {
  struct Counts: Hashable {
    /// Compiles answered from the cache (local or remote).
    var cached = 0
    /// Of those, answered by the remote storage.
    var remote = 0
  }

  let path: String
  private let lock = NSLock()
  private var lastRead = Date.distantPast
  private var lastCounts = Counts()

  init(path: String) {
    self.path = path
  }

  /// Empties the log before a build.
  func reset() throws {
    try Data().write(to: URL(fileURLWithPath: path))
  }

  /// The counts so far, re-read at most a few times a second (the log grows by a record per
  /// compile, and a build has thousands).
  func progressCounts() -> Counts {
    lock.lock()
    defer { lock.unlock() }
    let now = Date()
    if now.timeIntervalSince(lastRead) > 0.2 {
      lastRead = now
      lastCounts = Self.counts(in: (try? String(contentsOfFile: path, encoding: .utf8)) ?? "")
    }
    return lastCounts
  }

  /// The counts of the whole build.
  func counts() -> Counts {
    Self.counts(in: (try? String(contentsOfFile: path, encoding: .utf8)) ?? "")
  }

  static func counts(in log: String) -> Counts {
    var counts = Counts()
    for line in log.split(separator: "\n") {
      switch line {
      case "direct_cache_hit", "preprocessed_cache_hit": counts.cached += 1
      case "remote_storage_hit": counts.remote += 1
      default: break
      }
    }
    return counts
  }
}
