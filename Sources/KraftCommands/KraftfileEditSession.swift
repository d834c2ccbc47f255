import Dispatch
import Foundation
import KraftBasics
import KraftBuild
import KraftManifest

#if canImport(Glibc)
  import Glibc
#endif

/// An edit of the Kraftfile by a port command, done whole or undone whole. Each write replaces
/// the file atomically (`AtomicFile`: through a symbolic link, keeping its mode). While the
/// edit is being checked (the fetch and lock after `kraft port add`), a failure or SIGINT /
/// SIGTERM (Ctrl-C, a CI timeout) puts the Kraftfile and `Kraftfile.lock` back as they were;
/// an interrupted kraft then exits with 128 + the signal's number (130, 143).
final class KraftfileEditSession: @unchecked Sendable {
  let path: String
  let original: String
  let lockPath: String
  /// The lockfile's text before the edit; nil when there was none.
  let originalLock: String?
  private let restoring = NSLock()
  private var restored = false

  init(_ loaded: LoadedKraftfile) {
    path = loaded.location.path
    original = loaded.text
    lockPath = loaded.location.directory + "/" + LockfileCodec.fileName
    originalLock = try? String(contentsOfFile: lockPath, encoding: .utf8)
  }

  func write(_ text: String) throws {
    do {
      try AtomicFile.replace(path, with: text, followingLinks: true)
    } catch let failure as AtomicFile.Failure {
      throw PortError(
        .outputFailed,
        failure.diskFull
          ? "no space left on the device to write '\(failure.path)'; free space and run the "
            + "command again (the Kraftfile was not changed)"
          : "cannot write '\(failure.path)': \(failure.reason); check the permissions of the "
            + "file and its folder (the Kraftfile was not changed)")
    }
  }

  /// Puts the Kraftfile and its lock back as they were; safe to call from any thread, once.
  func restore() {
    restoring.lock()
    defer { restoring.unlock() }
    guard !restored else { return }
    restored = true
    try? AtomicFile.replace(path, with: original, followingLinks: true)
    if let originalLock {
      if (try? String(contentsOfFile: lockPath, encoding: .utf8)) != originalLock {
        try? AtomicFile.replace(lockPath, with: originalLock)
      }
    } else {
      unlink(lockPath)
    }
  }

  /// Writes `text`, then runs `check`; undoes the edit if `check` throws or the process is
  /// interrupted meanwhile.
  func apply<T>(_ text: String, check: () throws -> T) throws -> T {
    let signals = [SIGINT, SIGTERM]
    let sources = signals.map { number in
      let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
      source.setEventHandler { [self] in
        restore()
        FileHandle.standardError.write(
          Data("\nkraft: interrupted; '\(path)' and its lock were put back as they were\n".utf8))
        exit(128 + number)
      }
      return source
    }
    // The default action would end the process before the edit is undone.
    for number in signals { signal(number, SIG_IGN) }
    for source in sources { source.resume() }
    defer {
      for source in sources { source.cancel() }
      for number in signals { signal(number, SIG_DFL) }
    }
    try write(text)
    do {
      return try check()
    } catch {
      restore()
      throw error
    }
  }
}
