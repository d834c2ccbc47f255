import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A server a test starts on 127.0.0.1 (redis-server, distccd), started as a shell would start
/// it and stopped for certain:
///
/// - no descriptor of the test runner's is inherited (only stdin from /dev/null and its output
///   to `log`): a server holding the write end of another test's pipe would keep that test's
///   read from ever seeing EOF;
/// - no signal blocked, every action the default (the runner's threads block SIGTERM, and a
///   child inherits the mask);
/// - stopped with SIGKILL, which no mask holds off, sent to its process group (the workers a
///   server forks go too), and reaped.
public final class LoopbackDaemon: @unchecked Sendable {
  public struct StartFailure: Error, CustomStringConvertible {
    public var description: String
  }

  public let pid: pid_t
  private let lock = NSLock()
  private var reaped = false

  /// Starts `executable` with `arguments`, output to `log`, and waits (up to 30 s: a loaded CI
  /// machine starts an interpreter slowly) until something accepts connections on `port`.
  public init(
    _ executable: String, _ arguments: [String], port: Int, log: URL,
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) throws {
    let pid: pid_t
    do {
      pid = try ShellLikeSpawn.start(
        executable, arguments, environment: environment, output: log, appending: true,
        ownProcessGroup: true)
    } catch let failure as ShellLikeSpawn.Failure {
      throw StartFailure(description: failure.description)
    }
    self.pid = pid
    for _ in 0..<600 {
      if LoopbackPort.accepts(port) { return }
      var status: Int32 = 0
      if waitpid(pid, &status, WNOHANG) == pid {
        reaped = true
        kill(-pid, SIGKILL)
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        throw StartFailure(
          description: "\(executable) exited (status \(status)) before listening:\n\(output)")
      }
      usleep(50_000)
    }
    stop()
    throw StartFailure(description: "\(executable) did not listen on 127.0.0.1:\(port) within 30 s")
  }

  /// SIGKILL to the server's process group, and reap; harmless when already stopped.
  public func stop() {
    lock.lock()
    defer { lock.unlock() }
    guard !reaped else { return }
    kill(-pid, SIGKILL)
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    reaped = true
  }

  deinit { stop() }
}
