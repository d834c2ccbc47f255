/// distcc's log for one build (`DISTCC_LOG`, read through `CountingLog`): every distcc process
/// appends its lines, among them `distcc[PID] compile SOURCE on HOST completed ok` for each
/// compile a helper ran (`localhost` when distcc kept it here) and `... running locally instead`
/// when a helper could not take one.
enum DistccLog {
  struct Counts: LogCounts {
    /// Compiles a helper ran.
    var remote = 0
    /// Compiles that could not be sent and ran here instead.
    var fellBack = 0
  }

  static func counts(in log: String) -> Counts { Counts(parsing: log) }
}

extension DistccLog.Counts {
  // In an extension, so that the memberwise and the empty initializers stay synthesized.
  init(parsing log: String) {
    for line in log.split(separator: "\n") {
      guard let close = line.firstIndex(of: "]") else { continue }
      let message = line[line.index(after: close)...].drop(while: { $0 == " " })
      if message.hasPrefix("compile "), message.hasSuffix(" completed ok"),
        let on = message.range(of: " on ", options: .backwards),
        !message[on.upperBound...].hasPrefix("localhost")
      {
        remote += 1
      } else if message.contains("running locally instead") || message.contains("retrying locally") {
        fellBack += 1
      }
    }
  }
}
