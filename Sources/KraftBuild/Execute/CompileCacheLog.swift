/// ccache's stats log for one build (`CCACHE_STATSLOG`, read through `CountingLog`): each compile
/// appends a record, a `# SOURCE` line and then the names of the counters it bumped
/// (`direct_cache_hit`, `cache_miss`, `remote_storage_hit`, ...).
enum CompileCacheLog {
  struct Counts: LogCounts {
    /// Compiles answered from the cache (local or remote).
    var cached = 0
    /// Of those, answered by the remote storage.
    var remote = 0
  }

  static func counts(in log: String) -> Counts { Counts(parsing: log) }
}

extension CompileCacheLog.Counts {
  // In an extension, so that the memberwise and the empty initializers stay synthesized.
  init(parsing log: String) {
    for line in log.split(separator: "\n") {
      switch line {
      case "direct_cache_hit", "preprocessed_cache_hit": cached += 1
      case "remote_storage_hit": remote += 1
      default: break
      }
    }
  }
}
