/// Reads ninja's output as it arrives (run with `NINJA_STATUS="[%f/%t] "`, not verbose):
/// status lines become progress events, and a `FAILED:` block becomes the failing outputs and
/// the compiler's own messages, without ninja's echo of the command.
public struct NinjaOutputParser: Sendable {
  public enum Event: Hashable, Sendable {
    /// Step `finished` of `total` started or ended; `description` as the plan wrote it.
    case step(finished: Int, total: Int, description: String)
    /// Text a command printed (warnings), outside a failure.
    case output(String)
  }

  public struct Failure: Hashable, Sendable {
    /// What the failed edge would have produced (an object file, an image).
    public var outputs: [String]
    public var command: String
    public var messages: [String]
  }

  public private(set) var failures: [Failure] = []
  private var collecting: Failure?
  private var expectCommand = false

  public init() {}

  /// Feeds one line; returns the event it stands for, if any.
  public mutating func consume(_ line: String) -> Event? {
    if let step = Self.statusLine(line) {
      finishFailure()
      return step
    }
    if line.hasPrefix("FAILED: ") {
      finishFailure()
      let outputs = line.dropFirst("FAILED: ".count).split(separator: " ").map(String.init)
      collecting = Failure(outputs: outputs, command: "", messages: [])
      expectCommand = true
      return nil
    }
    if line.hasPrefix("ninja: build stopped") || line == "ninja: no work to do." {
      finishFailure()
      return nil
    }
    if collecting != nil {
      if expectCommand {
        collecting?.command = line
        expectCommand = false
      } else {
        collecting?.messages.append(line)
      }
      return nil
    }
    return line.isEmpty ? nil : .output(line)
  }

  /// Call at the end of the output.
  public mutating func finish() { finishFailure() }

  private mutating func finishFailure() {
    if let failure = collecting { failures.append(failure) }
    collecting = nil
    expectCommand = false
  }

  /// `[3/17] CC kcore print.c`.
  static func statusLine(_ line: String) -> Event? {
    guard line.hasPrefix("["), let close = line.firstIndex(of: "]") else { return nil }
    let counts = line[line.index(after: line.startIndex)..<close].split(separator: "/")
    guard counts.count == 2, let finished = Int(counts[0]), let total = Int(counts[1]) else {
      return nil
    }
    let rest = line[line.index(after: close)...].drop(while: { $0 == " " })
    return .step(finished: finished, total: total, description: String(rest))
  }
}
