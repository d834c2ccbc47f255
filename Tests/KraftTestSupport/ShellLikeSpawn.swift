import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Starts a program the way a shell would, which the test runner's own process spawning does
/// not: no signal blocked and every signal's action the default (the runner's threads block
/// signals, SIGTERM among them, and a child inherits the mask), stdin from /dev/null, stdout and
/// stderr together into `output`, and no other descriptor of the runner's inherited (a child
/// holding the write end of another test's pipe keeps that test's read from seeing EOF).
public enum ShellLikeSpawn {
  public struct Failure: Error, CustomStringConvertible {
    public var description: String
  }

  /// The child's pid. `folder`: where it starts (nil: here); `appending`: add to `output`
  /// rather than replace it; `ownProcessGroup`: a group of its own, so a signal to `-pid`
  /// reaches what it forks.
  public static func start(
    _ executable: String, _ arguments: [String], environment: [String: String], output: URL,
    appending: Bool = false, in folder: URL? = nil, ownProcessGroup: Bool = false
  ) throws -> pid_t {
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var none = sigset_t()
    var all = sigset_t()
    sigemptyset(&none)
    sigfillset(&all)
    posix_spawnattr_setsigmask(&attributes, &none)
    posix_spawnattr_setsigdefault(&attributes, &all)
    var flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
    if ownProcessGroup {
      posix_spawnattr_setpgroup(&attributes, 0)
      flags |= POSIX_SPAWN_SETPGROUP
    }
    posix_spawnattr_setflags(&attributes, Int16(flags))
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    let mode = O_WRONLY | O_CREAT | (appending ? O_APPEND : O_TRUNC)
    posix_spawn_file_actions_addopen(&actions, 1, output.path, mode, 0o600)
    posix_spawn_file_actions_adddup2(&actions, 1, 2)
    // glibc's posix_spawn_file_actions_addchdir_np and addclosefrom_np are not visible to
    // Swift: bash enters the folder, closes every descriptor above 2, and execs the program
    // (same pid, so a signal to it reaches the program, with the clean signal state kept).
    let script = """
      cd "$0" || exit 126
      for fd in $(ls /proc/$$/fd); do [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done
      exec "$@"
      """
    let start = folder?.path ?? FileManager.default.currentDirectoryPath
    let argv = (["/bin/bash", "-c", script, start, executable] + arguments).map { strdup($0) } + [nil]
    let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { (argv + envp).forEach { free($0) } }
    var pid = pid_t()
    let spawned = posix_spawn(&pid, "/bin/bash", &actions, &attributes, argv, envp)
    guard spawned == 0 else {
      throw Failure(description: "cannot start \(executable): \(String(cString: strerror(spawned)))")
    }
    return pid
  }
}
