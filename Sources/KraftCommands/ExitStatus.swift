import KraftModel

/// The one place where error kinds become process exit statuses. `kraft run` is the
/// exception on success paths: it exits with the unikernel application's own status.
enum ExitStatus {
  static func code(for kind: ErrorKind) -> Int32 {
    switch kind {
    case .buildFailed: return 1
    case .usage: return 64
    case .invalidInput: return 65
    case .missingInput: return 66
    case .missingTool: return 69
    case .internal: return 70
    case .outputFailed: return 73
    case .fetchFailed: return 75
    case .verificationFailed: return 76
    case .runFailed: return 125
    }
  }

  /// Rendered into `kraft --help`.
  static let helpTable = """
       0  success (kraft run: the application's exit status, 0-124)
       1  a compile or link failed
      64  bad command-line usage
      65  invalid input: a Kraftfile, manifest, recipe or lockfile is wrong
      66  a needed file is missing (no Kraftfile found, no image built)
      69  a required tool is not installed (the message names the package)
      70  an internal error in kraft (a bug: please report it)
      73  an output could not be written or removed (disk full, read-only folder)
      75  fetching a source failed
      76  a source did not match its pin, or a release did not reproduce
     125  kraft run could not boot the unikernel
     129  kraft run: stopped by SIGHUP (the VM is stopped with kraft)
     130  kraft run: stopped by SIGINT (Ctrl-C)
     134  kraft run: the application aborted
     139  kraft run: the unikernel crashed (see the crash report above)
     143  kraft run: stopped by SIGTERM
    """
}
