import Foundation

/// What a log's lines count up to (ccache's stats log, distcc's log).
protocol LogCounts: Hashable, Sendable {
  init()
  init(parsing log: String)
}

/// A log every compile of one build appends to, and that kraft counts from: emptied before the
/// build, re-read at most a few times a second for the progress line (a build appends a record
/// per compile, and has thousands), read whole for the summary. The counts of this build alone,
/// even while other builds use the same cache or helpers.
final class CountingLog<Counts: LogCounts>: @unchecked Sendable {
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

  /// The counts so far, re-read at most every 0.2 s.
  func progressCounts() -> Counts {
    lock.lock()
    defer { lock.unlock() }
    let now = Date()
    if now.timeIntervalSince(lastRead) > 0.2 {
      lastRead = now
      lastCounts = counts()
    }
    return lastCounts
  }

  /// The counts of the whole build.
  func counts() -> Counts {
    Counts(parsing: (try? String(contentsOfFile: path, encoding: .utf8)) ?? "")
  }
}
