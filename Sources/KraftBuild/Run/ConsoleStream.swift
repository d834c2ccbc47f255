import Foundation
import KraftBasics
import KraftModel

#if canImport(Glibc)
  import Glibc
#endif

/// Where the guest's console bytes go: this terminal in kraft, a buffer in tests.
public protocol ConsoleOutput: AnyObject, Sendable {
  func write(_ bytes: ArraySlice<UInt8>) throws
}

/// Passes the serial console from the monitor to the user, byte for byte and in time linear in
/// its length, with three changes: a CR right before a LF is dropped (the guest ends lines with
/// CRLF), crash frames get function names before their line ends, and the kernel's
/// `kraft: exit status V` line is held back and, when it is the console's last line, removed:
/// it is kraft's protocol, not the application's output (kraft reports the status itself).
/// Every other byte is written as soon as it arrives; only a line that so far reads like the
/// status line is delayed, until it diverges or ends.
public final class ConsoleStream {
  static let statusPrefix = Array(ExitStatusLine.prefix.utf8)
  static let lineFeed = UInt8(ascii: "\n")
  static let carriageReturn = UInt8(ascii: "\r")

  private let output: ConsoleOutput
  private let annotate: ((String) -> String)?
  /// Bytes ready to be written at the end of the current chunk.
  private var pending: [UInt8] = []
  private var atLineStart = true
  /// A CR not yet written: dropped when a LF follows.
  private var heldCarriageReturn = false
  /// The current line, withheld because it may be the status line.
  private var heldStatus: [UInt8]?
  /// A complete status line (without its LF), written only if something follows it.
  private var completedStatus: [UInt8]?
  /// The current line while it may be a crash frame (already written; kept to annotate it).
  private var frameLine: [UInt8]?

  /// The value V of the last status line seen, wherever it was.
  public private(set) var reportedValue: Int?

  /// `annotate` turns a frame line into the same line with its function appended.
  public init(output: ConsoleOutput, annotate: ((String) -> String)? = nil) {
    self.output = output
    self.annotate = annotate
  }

  public func feed(_ chunk: ArraySlice<UInt8>) throws {
    pending.reserveCapacity(chunk.count + 64)
    chunk.withUnsafeBufferPointer { buffer in
      guard let start = buffer.baseAddress else { return }
      var index = 0
      while index < buffer.count {
        if isPlainText {
          // Inside an ordinary line: copy up to the next CR or LF in one go (memchr), so the
          // cost per byte stays small even in debug builds.
          let rest = buffer.count - index
          let next =
            [Self.lineFeed, Self.carriageReturn].compactMap { byte in
              memchr(start + index, Int32(byte), rest).map {
                $0 - UnsafeMutableRawPointer(mutating: start + index)
              }
            }.min() ?? rest
          if next > 0 {
            pending.append(contentsOf: UnsafeBufferPointer(start: start + index, count: next))
            index += next
            continue
          }
        }
        consume(buffer[index])
        index += 1
      }
    }
    try flush()
  }

  /// Nothing held or tracked and not at a line's start: bytes other than CR and LF pass as
  /// they are.
  private var isPlainText: Bool {
    !atLineStart && !heldCarriageReturn && heldStatus == nil && completedStatus == nil
      && frameLine == nil
  }

  /// The console ended: writes what is still held, except a status line that came last.
  public func finish() throws {
    if let held = heldStatus {
      heldStatus = nil
      if let value = ExitStatusLine.value(of: held) {
        reportedValue = value
      } else {
        pending += held
      }
    }
    if heldCarriageReturn {
      heldCarriageReturn = false
      pending.append(Self.carriageReturn)
    }
    completedStatus = nil
    try flush()
  }

  private func flush() throws {
    guard !pending.isEmpty else { return }
    try output.write(pending[...])
    pending.removeAll(keepingCapacity: true)
  }

  private func consume(_ byte: UInt8) {
    if let completed = completedStatus {
      // The status line was not the last one: it is shown as it came.
      completedStatus = nil
      pending += completed
      pending.append(Self.lineFeed)
    }
    if heldCarriageReturn {
      heldCarriageReturn = false
      if byte != Self.lineFeed { pending.append(Self.carriageReturn) }
    }
    if heldStatus != nil {
      consumeHeldStatus(byte)
      return
    }
    switch byte {
    case Self.lineFeed:
      if let frame = frameLine, let annotate {
        let line = String(decoding: frame, as: UTF8.self)
        let annotated = annotate(line)
        if annotated.hasPrefix(line) { pending += annotated.utf8.dropFirst(line.utf8.count) }
      }
      frameLine = nil
      pending.append(byte)
      atLineStart = true
    case Self.carriageReturn:
      heldCarriageReturn = true
    case Self.statusPrefix[0] where atLineStart:
      heldStatus = [byte]
      atLineStart = false
    default:
      if atLineStart {
        frameLine = byte == UInt8(ascii: " ") ? [byte] : nil
      } else if frameLine != nil {
        // Frame lines are short ("  #12 0x" and 16 hex digits); stop tracking anything longer.
        frameLine!.append(byte)
        if frameLine!.count > 64 { frameLine = nil }
      }
      pending.append(byte)
      atLineStart = false
    }
  }

  private func consumeHeldStatus(_ byte: UInt8) {
    var held = heldStatus!
    if byte == Self.lineFeed {
      heldStatus = nil
      if held.last == Self.carriageReturn { held.removeLast() }
      if let value = ExitStatusLine.value(of: held) {
        reportedValue = value
        completedStatus = held
      } else {
        pending += held
        pending.append(byte)
      }
      atLineStart = true
      return
    }
    held.append(byte)
    if ExitStatusLine.mayBecome(held) {
      heldStatus = held
      return
    }
    // Not the status line after all: out it goes, and the byte is read as usual.
    heldStatus = nil
    held.removeLast()
    if held.last == Self.carriageReturn {
      held.removeLast()
      heldCarriageReturn = true
    }
    pending += held
    frameLine = nil
    consume(byte)
  }
}

/// The kernel's `kraft: exit status V` line (KRAFT_EXIT_STATUS_LINE in kraft/abi.h).
public enum ExitStatusLine {
  public static let prefix = "kraft: exit status "
  static let prefixBytes = Array(prefix.utf8)

  /// V, when `line` is exactly the prefix, one to three digits and nothing else.
  public static func value(of line: [UInt8]) -> Int? {
    guard line.count > prefixBytes.count, line.count <= prefixBytes.count + 3,
      line.starts(with: prefixBytes)
    else { return nil }
    let digits = line[prefixBytes.count...]
    guard digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
    return Int(String(decoding: digits, as: UTF8.self))
  }

  /// Whether `partial` (a line so far, maybe ending in CR) can still turn into a status line.
  static func mayBecome(_ partial: [UInt8]) -> Bool {
    var line = partial[...]
    if line.last == ConsoleStream.carriageReturn { line = line.dropLast() }
    if line.count <= prefixBytes.count {
      return prefixBytes.starts(with: line) && line.count == partial.count
    }
    return line.count <= prefixBytes.count + 3 && line.starts(with: prefixBytes)
      && line[prefixBytes.count...].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 })
  }
}

/// A file descriptor (stdout) as console output. Writes every byte: a short write is
/// continued, and a descriptor someone made non-blocking (QEMU does so to the terminal it
/// shares with kraft) is waited on instead of dropping what did not fit.
public final class DescriptorConsole: ConsoleOutput, @unchecked Sendable {
  let descriptor: Int32

  public init(descriptor: Int32) {
    self.descriptor = descriptor
  }

  public func write(_ bytes: ArraySlice<UInt8>) throws {
    try bytes.withUnsafeBytes { buffer in
      var offset = 0
      while offset < buffer.count {
        let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
        if written > 0 {
          offset += written
        } else if written < 0 && errno == EINTR {
          continue
        } else if written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
          var ready = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
          _ = poll(&ready, 1, 1000)
        } else {
          throw ConsoleWriteFailed(errorNumber: errno)
        }
      }
    }
  }
}

/// The console could not be written (stdout closed, disk full for a log file).
public struct ConsoleWriteFailed: KraftError {
  public var errorNumber: Int32
  public var kind: ErrorKind { .runFailed }
  public var message: String {
    "cannot write the unikernel's console output: \(String(cString: strerror(errorNumber))); the virtual machine was stopped"
  }
}

/// Console bytes kept in memory, for tests and probes.
public final class ConsoleBuffer: ConsoleOutput, @unchecked Sendable {
  private let lock = NSLock()
  private var storage: [UInt8] = []

  public init() {}

  public func write(_ bytes: ArraySlice<UInt8>) throws {
    lock.lock()
    storage += bytes
    lock.unlock()
  }

  public var bytes: [UInt8] {
    lock.lock()
    defer { lock.unlock() }
    return storage
  }

  public var text: String { String(decoding: bytes, as: UTF8.self) }
}
