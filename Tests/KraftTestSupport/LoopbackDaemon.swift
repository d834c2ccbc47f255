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

  /// Starts `executable` with `arguments`, output to `log`, and waits (up to 10 s) until
  /// something accepts connections on `port`.
  public init(
    _ executable: String, _ arguments: [String], port: Int, log: URL,
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) throws {
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var none = sigset_t()
    var all = sigset_t()
    sigemptyset(&none)
    sigfillset(&all)
    posix_spawnattr_setsigmask(&attributes, &none)
    posix_spawnattr_setsigdefault(&attributes, &all)
    // A process group of its own, so SIGKILL reaches the workers a server forks (distccd).
    posix_spawnattr_setpgroup(&attributes, 0)
    posix_spawnattr_setflags(
      &attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, log.path, O_WRONLY | O_CREAT | O_APPEND, 0o600)
    posix_spawn_file_actions_adddup2(&actions, 1, 2)
    // glibc's posix_spawn_file_actions_addclosefrom_np is not visible to Swift: bash closes
    // every descriptor above 2 and then becomes the server (same pid, so SIGKILL reaches it).
    let script = """
      for fd in $(ls /proc/$$/fd); do [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done
      exec "$@"
      """
    let argv = (["/bin/bash", "-c", script, "daemon", executable] + arguments).map { strdup($0) } + [nil]
    let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { (argv + envp).forEach { free($0) } }
    var pid = pid_t()
    let spawned = posix_spawn(&pid, "/bin/bash", &actions, &attributes, argv, envp)
    guard spawned == 0 else {
      throw StartFailure(description: "cannot start \(executable): \(String(cString: strerror(spawned)))")
    }
    self.pid = pid
    for _ in 0..<200 {
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
    throw StartFailure(description: "\(executable) did not listen on 127.0.0.1:\(port) within 10 s")
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
