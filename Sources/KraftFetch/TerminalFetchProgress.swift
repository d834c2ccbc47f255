import Foundation
import KraftBasics

/// Shows fetch progress through `ProgressDisplay`: on a terminal a status line (bytes and
/// objects) redrawn in place, and news lines; off a terminal only the news lines.
public final class TerminalFetchProgress: FetchProgress, @unchecked Sendable {
  private let display: ProgressDisplay
  private let lock = NSLock()
  private var lastDraw = Date.distantPast

  public init(output: TextOutput) { display = ProgressDisplay(output: output) }

  public func report(_ source: String, objects: (Int, Int)?, bytes: Int64, totalBytes: Int64?) {
    // At most ten redraws a second: libgit2 calls back for every object.
    lock.lock()
    let now = Date()
    guard now.timeIntervalSince(lastDraw) > 0.1 else {
      lock.unlock()
      return
    }
    lastDraw = now
    lock.unlock()
    var line = "  " + Self.size(bytes)
    if let totalBytes, totalBytes > 0 { line += " of " + Self.size(totalBytes) }
    if let (received, total) = objects { line += ", objects \(received)/\(total)" }
    display.status(line)
  }

  public func note(_ message: String) { display.message(message) }

  /// Ends a status line left on screen.
  public func finish() { display.finish() }

  static func size(_ bytes: Int64) -> String {
    if bytes < 1 << 20 { return "\(bytes / 1024) KiB" }
    return String(format: "%.1f MiB", Double(bytes) / Double(1 << 20))
  }
}
