import Foundation
import KraftBasics
import KraftManifest
import KraftModel

/// The lock policy: prepares sources through the shared cache, checked against and recorded
/// in a project's `Kraftfile.lock`.
///
/// - Without `locked`, the lock is used when it agrees with the request; a source missing
///   from it, or one whose version, URL or patches changed, is resolved again and its entry
///   rewritten (an explicit branch in the Kraftfile is pinned on first use).
/// - With `locked` (`kraft build --locked`), any disagreement or missing entry is an error
///   and the lockfile is never written.
/// - `refresh` names sources whose entries are ignored and replaced (`kraft lock --update`).
public final class LockedSources: @unchecked Sendable {
  public let fetcher: SourceFetcher
  public let lockPath: String
  public let locked: Bool
  public let refresh: Set<String>?
  private let mutex = NSLock()
  private var lockfileValue: Lockfile
  private var lockExisted: Bool
  private var preparedValue: [String: PreparedSource] = [:]

  /// `refresh`: nil refreshes nothing; an empty set refreshes every source.
  public init(
    fetcher: SourceFetcher, kraftfileDirectory: String, locked: Bool, refresh: Set<String>? = nil,
    fileSystem: FileSystem = LocalFileSystem()
  ) throws {
    self.fetcher = fetcher
    self.lockPath = kraftfileDirectory + "/" + LockfileCodec.fileName
    self.locked = locked
    self.refresh = refresh
    if fileSystem.exists(lockPath), let text = try? fileSystem.readText(lockPath) {
      lockfileValue = try LockfileCodec.decode(text, file: lockPath)
      lockExisted = true
    } else {
      if locked {
        throw FetchError(
          .verificationFailed,
          "'\(lockPath)' does not exist, so '--locked' has nothing to check against; run "
            + "'kraft lock' and commit the file")
      }
      lockfileValue = Lockfile()
      lockExisted = false
    }
  }

  /// The lock as it stands (with every entry recorded so far).
  public var lockfile: Lockfile {
    mutex.lock()
    defer { mutex.unlock() }
    return lockfileValue
  }

  /// Every source prepared so far, by name.
  public var prepared: [String: PreparedSource] {
    mutex.lock()
    defer { mutex.unlock() }
    return preparedValue
  }

  /// Checks `request` against the lock, prepares it through the cache and records what it
  /// resolved to. A name prepared before is not prepared again.
  public func prepare(_ request: SourceRequest) throws -> PreparedSource {
    mutex.lock()
    defer { mutex.unlock() }
    let name = request.name
    if let done = preparedValue[name] { return done }
    let refreshing = refresh.map { $0.isEmpty || $0.contains(name) } ?? false
    let existing = refreshing ? nil : lockfileValue[name]
    var checked = request
    do {
      checked = try request.locked(by: existing)
    } catch let error as FetchError where !locked {
      // The project changed since the lock was written: resolve afresh and record it.
      fetcher.progress?.note("'\(name)': \(error.message.split(separator: "\n")[0])")
    }
    if locked && existing == nil {
      throw FetchError(
        .verificationFailed,
        "'\(lockPath)' has no entry for '\(name)'; run 'kraft lock' and commit the file")
    }
    // Clear a progress line left on the terminal, whatever happens next.
    defer { (fetcher.progress as? TerminalFetchProgress)?.finish() }
    let result = try fetcher.prepare(checked)
    preparedValue[name] = result
    if lockfileValue[name] != result.lockEntry {
      guard !locked else {
        throw FetchError(
          .verificationFailed,
          "'\(lockPath)' disagrees with what '\(name)' resolved to; run 'kraft lock "
            + "--update \(name)'")
      }
      lockfileValue.set(result.lockEntry)
      try write()
    }
    return result
  }

  /// Drops entries for sources no longer used (after a full resolution) and writes the file.
  public func prune(keeping names: Set<String>) throws {
    mutex.lock()
    defer { mutex.unlock() }
    let stale = lockfileValue.entries.map(\.name).filter { !names.contains($0) }
    guard !stale.isEmpty, !locked else { return }
    for name in stale { lockfileValue.remove(name) }
    try write()
  }

  /// Drops entries for every source not prepared through this lock.
  public func pruneUnprepared() throws {
    try prune(keeping: Set(prepared.keys))
  }

  /// Writes even an empty lock when asked, so `kraft lock` always leaves a file.
  public func writeIfMissing() throws {
    mutex.lock()
    defer { mutex.unlock() }
    if !lockExisted && !locked { try write() }
  }

  /// Temporary file and rename: a reader never sees half a lockfile. The caller holds `mutex`.
  private func write() throws {
    let temporary = lockPath + ".tmp.\(getpid())"
    try LockfileCodec.encode(lockfileValue).write(toFile: temporary, atomically: false, encoding: .utf8)
    guard rename(temporary, lockPath) == 0 else {
      throw FetchError(.fetchFailed, "cannot write '\(lockPath)': \(String(cString: strerror(errno)))")
    }
    lockExisted = true
  }
}

extension SourceFetcher {
  /// The fetcher a command line asks for: the user's cache and mirrors, progress on stderr.
  public static func commandLine(offline: Bool, environment: [String: String]) throws -> SourceFetcher {
    SourceFetcher(
      cache: SourceCache(root: SourceCache.defaultRoot(environment: environment)),
      mirrors: try MirrorConfig.load(environment: environment),
      progress: TerminalFetchProgress(output: StandardStream.error), offline: offline)
  }
}
