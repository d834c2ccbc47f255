import Foundation
import KraftBasics
import KraftBuild
import KraftFetch
import KraftManifest
import KraftModel

/// The build's `PortSourceProvider`: prepares each port the plan selects through the shared
/// source cache, checked against and recorded in the project's `Kraftfile.lock`.
///
/// - Without `locked`, the lock is used when it agrees with the Kraftfile and the recipe;
///   a port missing from it, or one whose version, URL or patches changed, is resolved again
///   and its entry rewritten (an explicit branch in the Kraftfile is pinned on first use).
/// - With `locked` (`kraft build --locked`), any disagreement or missing entry is an error
///   and the lockfile is never written.
/// - `refresh` names ports whose entries are ignored and replaced (`kraft lock --update`).
final class LockedPortSources: PortSourceProvider, @unchecked Sendable {
  let fetcher: SourceFetcher
  let lockPath: String
  let locked: Bool
  let refresh: Set<String>?
  private let mutex = NSLock()
  private(set) var lockfile: Lockfile
  private var lockExisted: Bool
  /// Every port prepared so far, by name.
  private(set) var prepared: [String: PreparedSource] = [:]

  /// `refresh`: nil refreshes nothing; an empty set refreshes every port.
  init(fetcher: SourceFetcher, kraftfileDirectory: String, locked: Bool, refresh: Set<String>? = nil)
    throws
  {
    self.fetcher = fetcher
    self.lockPath = kraftfileDirectory + "/" + LockfileCodec.fileName
    self.locked = locked
    self.refresh = refresh
    if let text = try? String(contentsOfFile: lockPath, encoding: .utf8) {
      lockfile = try LockfileCodec.decode(text, file: lockPath)
      lockExisted = true
    } else {
      if locked {
        throw FetchError(
          .verificationFailed,
          "'\(lockPath)' does not exist, so '--locked' has nothing to check against; run "
            + "'kraft lock' and commit the file")
      }
      lockfile = Lockfile()
      lockExisted = false
    }
  }

  /// The fetcher a command line asks for: the user's cache, mirrors, progress on stderr.
  static func fetcher(offline: Bool, environment: [String: String]) throws -> SourceFetcher {
    SourceFetcher(
      cache: SourceCache(root: SourceCache.defaultRoot(environment: environment)),
      mirrors: try MirrorConfig.load(environment: environment),
      progress: TerminalFetchProgress(output: StandardStream.error), offline: offline)
  }

  func sourceRoot(for port: LibraryManifest, component: Component?) throws -> String {
    mutex.lock()
    defer { mutex.unlock() }
    if let done = prepared[port.name] { return done.directory }
    let recipePath = port.directory + "/port.yaml"
    let text = try String(contentsOfFile: recipePath, encoding: .utf8)
    let recipe = try PortRecipeParser.parse(text, file: recipePath, directory: port.directory)
    return try prepare(name: port.name, request: try Self.request(for: recipe, component: component))
  }

  /// The kernel a Kraftfile's `unikraft:` fetches from git or an archive, locked under the
  /// name `unikraft` like any port.
  func kernelSourceRoot(for unikraft: Component) throws -> String {
    mutex.lock()
    defer { mutex.unlock() }
    let name = "unikraft"
    if let done = prepared[name] { return done.directory }
    guard
      let source = unikraft.source,
      let request = SourceRequest.explicit(name: name, source: source, version: unikraft.version)
    else {
      throw FetchError(.internal, "'unikraft:' has no remote source to fetch (a bug in kraft)")
    }
    return try prepare(name: name, request: request)
  }

  /// Checks `request` against the lock, prepares it through the cache and records what it
  /// resolved to. The caller holds `mutex`.
  private func prepare(name: String, request: SourceRequest) throws -> String {
    let refreshing = refresh.map { $0.isEmpty || $0.contains(name) } ?? false
    let existing = refreshing ? nil : lockfile[name]
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
    prepared[name] = result
    if lockfile[name] != result.lockEntry {
      guard !locked else {
        throw FetchError(
          .verificationFailed,
          "'\(lockPath)' disagrees with what '\(name)' resolved to; run 'kraft lock "
            + "--update \(name)'")
      }
      lockfile.set(result.lockEntry)
      try write()
    }
    return result.directory
  }

  /// A port as the Kraftfile asks for it: its recipe's pinned version, or (explicitly) a
  /// git branch, tag or archive of the user's choosing, which the lockfile then pins.
  static func request(for recipe: PortRecipe, component: Component?) throws -> SourceRequest {
    if let source = component?.source,
      let explicit = SourceRequest.explicit(
        name: recipe.name, source: source, version: component?.version,
        patches: try PatchSet.load(portDirectory: recipe.directory))
    {
      var request = explicit
      // Another tree of the same port needs the same generated files; no pin (the lock pins it).
      request.prepare = recipe.prepare
      return request
    }
    // Checked here too (not only by `kraft validate`) so that the error points at the
    // Kraftfile line that names the version.
    if let component, let problem = PortCatalog.versionProblem(component, recipe: recipe) {
      throw Diagnostics([problem])
    }
    return try SourceRequest.port(recipe, version: component?.version)
  }

  /// Drops entries for ports no longer used (after a full resolution) and writes the file.
  func prune(keeping names: Set<String>) throws {
    mutex.lock()
    defer { mutex.unlock() }
    let stale = lockfile.entries.map(\.name).filter { !names.contains($0) }
    guard !stale.isEmpty, !locked else { return }
    for name in stale { lockfile.remove(name) }
    try write()
  }

  /// Writes even an empty lock when asked, so `kraft lock` always leaves a file.
  func writeIfMissing() throws {
    mutex.lock()
    defer { mutex.unlock() }
    if !lockExisted && !locked { try write() }
  }

  /// Temporary file and rename: a reader never sees half a lockfile.
  private func write() throws {
    let temporary = lockPath + ".tmp.\(getpid())"
    try LockfileCodec.encode(lockfile).write(toFile: temporary, atomically: false, encoding: .utf8)
    guard rename(temporary, lockPath) == 0 else {
      throw FetchError(.fetchFailed, "cannot write '\(lockPath)': \(String(cString: strerror(errno)))")
    }
    lockExisted = true
  }
}
