import Foundation

/// distcc's log for one build (`DISTCC_LOG`): every distcc process appends its lines, among
/// them `distcc[PID] compile SOURCE on HOST completed ok` for each compile a helper ran
/// (`localhost` when distcc kept it here) and `... running locally instead` when a helper
/// could not take one. The counts of this build alone.
final class DistccLog: @unchecked Sendable {
  struct Counts: Hashable {
    /// Compiles a helper ran.
    var remote = 0
    /// Compiles that could not be sent and ran here instead.
    var fellBack = 0
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

  /// The counts so far, re-read at most a few times a second.
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
    Self.counts(in: (try? String(contentsOfFile: path, encoding: .utf8)) ?? "")
  }

  static func counts(in log: String) -> Counts {
    var counts = Counts()
    for line in log.split(separator: "\n") {
      guard let close = line.firstIndex(of: "]") else { continue }
      let message = line[line.index(after: close)...].drop(while: { $0 == " " })
      if message.hasPrefix("compile "), message.hasSuffix(" completed ok"),
        let on = message.range(of: " on ", options: .backwards),
        !message[on.upperBound...].hasPrefix("localhost")
      {
        counts.remote += 1
      } else if message.contains("running locally instead") || message.contains("retrying locally") {
        counts.fellBack += 1
      }
    }
    return counts
  }
}
