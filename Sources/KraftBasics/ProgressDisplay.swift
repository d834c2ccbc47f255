import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Where text goes: the terminal in kraft, a buffer in tests.
public protocol TextOutput: AnyObject, Sendable {
  /// True when the output is an interactive terminal (a status line may be redrawn).
  var isTerminal: Bool { get }
  func write(_ text: String)
}

/// Standard output or standard error of this process.
public final class StandardStream: TextOutput, @unchecked Sendable {
  public static let out = StandardStream(descriptor: STDOUT_FILENO)
  public static let error = StandardStream(descriptor: STDERR_FILENO)

  private let descriptor: Int32
  private let lock = NSLock()
  public let isTerminal: Bool

  private init(descriptor: Int32) {
    self.descriptor = descriptor
    isTerminal = isatty(descriptor) == 1 && ProcessInfo.processInfo.environment["TERM"] != "dumb"
  }

  public func write(_ text: String) {
    lock.lock()
    defer { lock.unlock() }
    var bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
      let written = bytes.withUnsafeMutableBytes {
        Glibc.write(descriptor, $0.baseAddress! + offset, $0.count - offset)
      }
      if written < 0 && errno == EINTR { continue }
      if written <= 0 { return }
      offset += written
    }
    bytes.removeAll()
  }
}

/// A text buffer, for tests.
public final class TextBuffer: TextOutput, @unchecked Sendable {
  private let lock = NSLock()
  private var storage = ""
  public let isTerminal: Bool

  public init(isTerminal: Bool = false) { self.isTerminal = isTerminal }

  public func write(_ text: String) {
    lock.lock()
    storage += text
    lock.unlock()
  }

  public var text: String {
    lock.lock()
    defer { lock.unlock() }
    return storage
  }
}

/// Progress of a long job (a build, a fetch): on a terminal one status line redrawn in place;
/// elsewhere (CI logs, pipes) one plain line per step and no status lines, so logs stay
/// readable. The one place that draws kraft's status line.
public final class ProgressDisplay: @unchecked Sendable {
  private let output: TextOutput
  private let width: Int
  private var statusShown = false
  private let lock = NSLock()

  public init(output: TextOutput, width: Int = 100) {
    self.output = output
    self.width = width
  }

  /// A step: `[3/40] kcore: print.c`.
  public func step(_ current: Int, of total: Int, _ what: String) {
    let line = "[\(current)/\(total)] \(what)"
    if output.isTerminal {
      status(line)
    } else {
      output.write(line + "\n")
    }
  }

  /// Redraws the status line (cut to the width); nothing off a terminal, where a status that
  /// changes many times a second would flood a log.
  public func status(_ line: String) {
    guard output.isTerminal else { return }
    lock.lock()
    defer { lock.unlock() }
    let shown = line.count > width ? String(line.prefix(width - 1)) + "…" : line
    output.write("\r\u{1B}[K" + shown)
    statusShown = true
  }

  /// A message that stays (a warning, a command under `-v`): printed above the status line.
  public func message(_ text: String) {
    lock.lock()
    defer { lock.unlock() }
    clearStatusLocked()
    output.write(text.hasSuffix("\n") ? text : text + "\n")
  }

  /// Ends the status line so that later output starts on a fresh line.
  public func finish() {
    lock.lock()
    defer { lock.unlock() }
    clearStatusLocked()
  }

  private func clearStatusLocked() {
    if statusShown {
      output.write("\r\u{1B}[K")
      statusShown = false
    }
  }
}
