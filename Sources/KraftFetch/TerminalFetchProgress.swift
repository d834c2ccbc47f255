import Foundation
import KraftBasics

/// Shows fetch progress on a terminal: one status line redrawn in place (objects and bytes),
/// and news lines. Off a terminal only the news lines are written, so logs stay readable.
public final class TerminalFetchProgress: FetchProgress, @unchecked Sendable {
  private let output: TextOutput
  private let lock = NSLock()
  private var statusShown = false
  private var lastDraw = Date.distantPast

  public init(output: TextOutput) { self.output = output }

  public func report(_ source: String, objects: (Int, Int)?, bytes: Int64, totalBytes: Int64?) {
    guard output.isTerminal else { return }
    lock.lock()
    defer { lock.unlock() }
    // At most ten redraws a second: libgit2 calls back for every object.
    let now = Date()
    guard now.timeIntervalSince(lastDraw) > 0.1 else { return }
    lastDraw = now
    var line = "  " + Self.size(bytes)
    if let totalBytes, totalBytes > 0 { line += " of " + Self.size(totalBytes) }
    if let (received, total) = objects { line += ", objects \(received)/\(total)" }
    output.write("\r\u{1b}[K" + line)
    statusShown = true
  }

  public func note(_ message: String) {
    lock.lock()
    defer { lock.unlock() }
    output.write((statusShown ? "\r\u{1b}[K" : "") + message + "\n")
    statusShown = false
  }

  /// Ends a status line left on screen.
  public func finish() {
    lock.lock()
    defer { lock.unlock() }
    if statusShown { output.write("\r\u{1b}[K") }
    statusShown = false
  }

  static func size(_ bytes: Int64) -> String {
    if bytes < 1 << 20 { return "\(bytes / 1024) KiB" }
    return String(format: "%.1f MiB", Double(bytes) / Double(1 << 20))
  }
}
