import CKraftSpawn
import Foundation
import KraftBasics
import KraftModel

#if canImport(Glibc)
  import Glibc
#endif

/// How a virtual machine monitor process ended.
public struct MonitorExit: Hashable, Sendable {
  /// Its exit status; 128 + the signal when a signal ended it.
  public var status: Int32
  /// It ran past the timeout and was stopped.
  public var timedOut: Bool
  /// kraft received this signal (SIGINT, SIGTERM or SIGHUP) and stopped the monitor.
  public var interruptedBy: Int32?

  public init(status: Int32, timedOut: Bool = false, interruptedBy: Int32? = nil) {
    self.status = status
    self.timedOut = timedOut
    self.interruptedBy = interruptedBy
  }
}

/// Runs a virtual machine monitor (QEMU, Firecracker) for `kraft run`. Separate from
/// `ProcessRunner` because a VM must never outlive kraft, and its console is bytes, not lines.
public protocol MonitorRunner: Sendable {
  /// Runs `command` with stdin inherited and stdout and stderr merged into `console`, chunk by
  /// chunk as they arrive. Stops the process after `timeout` seconds, when kraft receives
  /// SIGINT, SIGTERM or SIGHUP, and when `console` throws; returns only once it is gone.
  func run(
    _ command: ProcessCommand, timeout: Int?, console: (ArraySlice<UInt8>) throws -> Void
  ) throws -> MonitorExit
}

/// The real `MonitorRunner`: the monitor is tied to kraft (the kernel kills it with SIGKILL
/// when kraft dies, even by `kill -9`), signals kraft receives stop it (SIGTERM, then SIGKILL
/// after `gracePeriod` seconds), and it stays in kraft's process group, so it can read the
/// terminal for the serial console.
public struct TiedMonitorRunner: MonitorRunner {
  public var gracePeriod: Double

  public init(gracePeriod: Double = 5) {
    self.gracePeriod = gracePeriod
  }

  public func run(
    _ command: ProcessCommand, timeout: Int?, console: (ArraySlice<UInt8>) throws -> Void
  ) throws -> MonitorExit {
    // The signal record is process-wide: a signal stops every VM this process runs.
    kraft_catch_signals(1)
    defer { kraft_catch_signals(0) }
    let child = try ChildProcess.spawn(command, stdin: STDIN_FILENO, mode: KRAFT_SPAWN_TIED)
    defer { child.killAndReap() }
    _ = kraft_forward_signals_to(child.pid)
    defer { kraft_stop_forwarding(child.pid) }
    let start = Self.now()
    var stop = StopSchedule(gracePeriod: gracePeriod)
    var timedOut = false
    /// Sends SIGTERM once kraft has a reason to stop the VM, SIGKILL when that is ignored.
    func enforceStop() {
      if let timeout, !timedOut, Self.now() - start >= Double(timeout) { timedOut = true }
      if timedOut || kraft_forwarded_signal() != 0 {
        stop.request(pid: child.pid, now: Self.now())
      }
    }
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      var ready = pollfd(fd: child.output, events: Int16(POLLIN), revents: 0)
      let polled = poll(&ready, 1, 200)
      enforceStop()
      if polled < 0 {
        if errno == EINTR { continue }
        throw MonitorLaunchFailed(command: command.executable, reason: "poll failed: errno \(errno)")
      }
      if polled == 0 { continue }
      let count = buffer.withUnsafeMutableBytes { read(child.output, $0.baseAddress, $0.count) }
      if count < 0 {
        if errno == EINTR || errno == EAGAIN { continue }
        throw MonitorLaunchFailed(
          command: command.executable, reason: "reading its output failed: errno \(errno)")
      }
      if count == 0 { break }
      try console(buffer[0..<count])
    }
    // The console closed; the monitor may still be shutting down.
    while true {
      if let status = child.reap(block: false) {
        let signal = kraft_forwarded_signal()
        return MonitorExit(status: status, timedOut: timedOut, interruptedBy: signal == 0 ? nil : signal)
      }
      enforceStop()
      usleep(20_000)
    }
  }

  static func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
  }

  /// SIGTERM first, SIGKILL when the process ignores it for the grace period.
  struct StopSchedule {
    var gracePeriod: Double
    var requestedAt: Double?
    var killed = false

    mutating func request(pid: pid_t, now: Double) {
      guard let requestedAt else {
        requestedAt = now
        kill(pid, SIGTERM)
        return
      }
      if !killed, now - requestedAt >= gracePeriod {
        killed = true
        kill(pid, SIGKILL)
      }
    }
  }
}

/// A process started through `kraft_spawn`: its pid and the read end of its output pipe.
final class ChildProcess {
  let pid: pid_t
  /// The read end of its merged stdout and stderr (-1 when its output goes elsewhere).
  let output: Int32
  private var reaped = false
  private var closed = false

  private init(pid: pid_t, output: Int32) {
    self.pid = pid
    self.output = output
  }

  /// Starts `command` with `stdin`; its output goes to `outputFile` when given, otherwise to a
  /// pipe kraft reads (`output`).
  static func spawn(
    _ command: ProcessCommand, stdin: Int32, outputFile: Int32? = nil, mode: kraft_spawn_mode
  ) throws -> ChildProcess {
    guard let executable = ExecutableLocator().find(command.executable) else {
      throw MonitorLaunchFailed(command: command.executable, reason: "not found on PATH")
    }
    var pipeEnds: [Int32] = [-1, -1]
    if outputFile == nil {
      guard kraft_pipe_cloexec(&pipeEnds) == 0 else {
        throw MonitorLaunchFailed(command: executable, reason: "cannot create a pipe (errno \(errno))")
      }
    }
    // The exec error travels back through a close-on-exec pipe: no bytes means exec worked.
    var errorEnds: [Int32] = [-1, -1]
    guard kraft_pipe_cloexec(&errorEnds) == 0 else {
      throw MonitorLaunchFailed(command: executable, reason: "cannot create a pipe (errno \(errno))")
    }
    let environment = ProcessInfo.processInfo.environment.merging(command.environment) { $1 }
    let pid = withCStrings([executable] + command.arguments) { argv in
      withCStrings(environment.map { "\($0.key)=\($0.value)" }) { envp in
        kraft_spawn(
          executable, argv, envp, command.workingDirectory, stdin, outputFile ?? pipeEnds[1],
          errorEnds[1], Int32(mode.rawValue))
      }
    }
    if pipeEnds[1] >= 0 { close(pipeEnds[1]) }
    close(errorEnds[1])
    defer { close(errorEnds[0]) }
    guard pid > 0 else {
      if pipeEnds[0] >= 0 { close(pipeEnds[0]) }
      throw MonitorLaunchFailed(command: executable, reason: "fork failed (errno \(errno))")
    }
    let child = ChildProcess(pid: pid, output: pipeEnds[0])
    var execError: Int32 = 0
    var count: Int
    repeat {
      count = read(errorEnds[0], &execError, MemoryLayout<Int32>.size)
    } while count < 0 && errno == EINTR
    if count == MemoryLayout<Int32>.size {
      child.killAndReap()
      throw MonitorLaunchFailed(command: executable, reason: String(cString: strerror(execError)))
    }
    return child
  }

  /// The exit status (128 + signal for a signal), or nil while it runs (`block: false`).
  func reap(block: Bool) -> Int32? {
    var status: Int32 = 0
    while true {
      let result = waitpid(pid, &status, block ? 0 : WNOHANG)
      if result == pid { break }
      if result == 0 { return nil }
      if errno == EINTR { continue }
      reaped = true
      return nil
    }
    reaped = true
    let signal = status & 0x7f
    return signal == 0 ? (status >> 8) & 0xff : 128 + signal
  }

  /// Lets a detached process go: it is neither killed nor waited for here.
  func release() {
    reaped = true
    killAndReap()
  }

  /// On every way out: the process must not outlive this object's owner.
  func killAndReap() {
    if !reaped {
      kill(pid, SIGKILL)
      _ = reap(block: true)
    }
    if output >= 0, !closed {
      closed = true
      close(output)
    }
  }

  deinit { killAndReap() }
}

/// Calls `body` with a NULL-terminated C array of copies of `strings`.
func withCStrings<Result>(
  _ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> Result
) -> Result {
  var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
  pointers.append(nil)
  defer { pointers.forEach { free($0) } }
  return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}

/// A monitor (or a detached instance's supervisor) could not be started or read.
public struct MonitorLaunchFailed: KraftError {
  public var command: String
  public var reason: String
  public var kind: ErrorKind { .runFailed }
  public var message: String { "cannot run '\(command)': \(reason)" }
}
