import Foundation
import KraftBasics

/// What the prebuilt store knows a compiler by, as ccache does (its `compiler_check`): the
/// path kraft runs, the file it resolves to with its size and modification time, and a hash
/// of what `--version` prints. Hashing the binary itself (160 MB for clang) would cost more
/// than a warm build; a new compiler at the same path changes its size or time, and a wrapper
/// script that starts another compiler changes its version text.
public enum CompilerIdentity {
  public static func of(_ compiler: String, runner: ProcessRunner) throws -> String {
    let resolved = URL(fileURLWithPath: compiler).resolvingSymlinksInPath().path
    var info = stat()
    guard stat(resolved, &info) == 0 else {
      throw BuildFailure(
        message: "cannot read the compiler '\(compiler)': \(String(cString: strerror(errno)))")
    }
    let version = try runner.capture(ProcessCommand(compiler, ["--version"]))
    guard version.status == 0 else {
      throw BuildFailure(
        message: "'\(compiler) --version' failed (status \(version.status)): \(version.stderr)")
    }
    var hash = SHA256()
    hash.update(version.stdout)
    return [
      compiler, resolved, String(info.st_size),
      "\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)", hash.finalizeHex(),
    ].joined(separator: " ")
  }
}
