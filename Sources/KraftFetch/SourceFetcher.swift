import Foundation
import KraftBasics
import KraftModel

/// The one entry point the build uses: `prepare(_:)` turns a source request (a port version
/// or a Kraftfile's own source) into a verified, patched tree in the shared cache, fetching
/// only what the cache lacks, and returns the lockfile entry that describes it.
public final class SourceFetcher {
  public let cache: SourceCache
  public let mirrors: MirrorTable
  public let downloader: Downloader
  public let progress: FetchProgress?
  /// Runs `prepare:` steps and probes their tools.
  public let runner: ProcessRunner
  /// Use only the cache; anything missing is an error naming it.
  public let offline: Bool
  /// Hash every cached tree used, not only compare sizes and times (`kraft fetch --verify`).
  public var verifyEverything = false
  /// Limits on what one archive may expand to.
  public var archiveLimits = ArchiveLimits.standard
  private var checkedCache = false

  public init(
    cache: SourceCache, mirrors: MirrorTable = MirrorTable(),
    downloader: Downloader = URLSessionDownloader(), progress: FetchProgress? = nil,
    offline: Bool = false, runner: ProcessRunner = SystemProcessRunner()
  ) {
    self.runner = runner
    self.cache = cache
    self.mirrors = mirrors
    self.downloader = downloader
    self.progress = progress
    self.offline = offline
    cache.sweepAbandonedTemporaries()
  }

  /// A port version, checked against `lock` when the project has a lockfile entry for it.
  public func prepare(port: PortRecipe, version: String?, lock: LockfileEntry?) throws
    -> PreparedSource
  {
    try prepare(SourceRequest.port(port, version: version).locked(by: lock))
  }

  public func prepare(_ request: SourceRequest) throws -> PreparedSource {
    if request.pin.isEmpty && !request.allowsUnpinned {
      throw FetchError(
        .verificationFailed,
        "'\(request.name)' \(request.version) is not pinned; add 'sha256', 'commit' or 'tree' "
          + "to its recipe (kraft uses unpinned sources only when a Kraftfile asks for one)")
    }
    if !checkedCache {
      try cache.checkSafety()
      checkedCache = true
    }
    var downloaded = false
    var repaired = false
    // One process at a time per source: a second one waits, then finds the entries made.
    let obtained = try cache.withLock("source-" + SHA256.hex(of: request.url).prefix(32)) {
      try obtainTree(request, downloaded: &downloaded, repaired: &repaired)
    }
    let treeHash = obtained.0
    var pin = obtained.1
    var directory = try applyPatches(
      request.patches, treeHash: treeHash, name: request.name, repaired: &repaired)
    var tools: [PreparedTool] = []
    if let step = request.prepare {
      let layer = try prepareLayer(
        step, patched: directory, request: request, treeHash: treeHash, repaired: &repaired)
      directory = layer.directory
      pin.preparedTree = layer.treeHash
      tools = layer.tools
    }
    let kind: LockfileEntry.Kind
    if case .git = request.origin { kind = .git } else { kind = .archive }
    let entry = LockfileEntry(
      name: request.name, version: request.version, kind: kind, url: request.url, pin: pin,
      patchSetHash: request.patches.hash)
    return PreparedSource(
      name: request.name, directory: directory, lockEntry: entry, downloaded: downloaded,
      repaired: repaired, tools: tools)
  }

  /// The verified, unpatched tree: its hash and the full pin (archive hash or commit + tree).
  private func obtainTree(_ request: SourceRequest, downloaded: inout Bool, repaired: inout Bool)
    throws -> (String, UpstreamPin)
  {
    var pin = request.pin
    if let tree = pin.treeHash, pin.archiveSHA256 != nil || pin.commit != nil {
      let path = cache.treePath(treeHash: tree)
      if try usable(path, expected: tree, name: request.name, repaired: &repaired) {
        return (tree, pin)
      }
    }
    let temporary = try cache.temporaryPath("tree")
    defer { try? SourceCache.removeTree(temporary) }
    var archiveToInstall: String?
    switch request.origin {
    case .archive(let url):
      let archive = try obtainArchive(url, sha256: pin.archiveSHA256, downloaded: &downloaded)
      pin.archiveSHA256 = archive.sha256
      archiveToInstall = archive.temporary
      try ArchiveExtractor.extract(archive: archive.path, into: temporary, limits: archiveLimits)
    case .git(let url, let ref):
      let git = GitFetcher(cache: cache, progress: progress)
      let fetchURL = mirrors.resolve(url)
      let commit = try git.resolve(
        url: url, fetchURL: fetchURL, ref: ref, pinnedCommit: pin.commit, offline: offline)
      pin.commit = commit
      try git.checkout(url: url, commit: commit, into: temporary)
    }
    let actual = try TreeHash.compute(directory: temporary)
    if let expected = pin.treeHash, expected != actual {
      if let archiveToInstall { try? SourceCache.removeTree(archiveToInstall) }
      throw FetchError.mismatch(
        what: "tree hash", source: request.url, expected: expected, actual: actual)
    }
    pin.treeHash = actual
    if let archiveToInstall, let sha = pin.archiveSHA256 {
      try cache.install(archiveToInstall, at: cache.archivePath(sha256: sha))
    }
    let final = cache.treePath(treeHash: actual)
    // An unpinned request finds its tree's hash only now: the entry may be there, damaged.
    _ = try usable(final, expected: actual, name: request.name, repaired: &repaired)
    try cache.install(temporary, at: final)
    try cache.markVerified(entry: final, treeHash: actual)
    return (actual, pin)
  }

  /// True when the cache entry is there and still what was verified. A damaged one is
  /// removed (saying so) so that the caller builds it again from verified inputs.
  func usable(_ entry: String, expected: String?, name: String, repaired: inout Bool)
    throws -> Bool
  {
    switch cache.check(entry: entry, expected: expected, rehash: verifyEverything) {
    case .intact:
      return true
    case .missing:
      return false
    case .damaged(let reason):
      progress?.note(
        "'\(name)': the cache entry '\(cache.describe(entry: entry))' is not what was verified "
          + "(\(reason)); removed it, making it again")
      try cache.discard(entry: entry)
      repaired = true
      return false
    }
  }

  /// The archive's bytes: from the cache when its sha256 is known and present, else
  /// downloaded (through a mirror when one matches) to a temporary file and checked. The
  /// caller installs the temporary file once the extracted tree is verified too.
  private func obtainArchive(_ url: String, sha256: String?, downloaded: inout Bool) throws
    -> (path: String, sha256: String, temporary: String?)
  {
    if let sha256, cache.exists(cache.archivePath(sha256: sha256)) {
      // Re-hashed before each extraction (rare, and fast): the disk may have damaged it.
      let cached = cache.archivePath(sha256: sha256)
      if (try? TreeHash.hashFile(cached)) == sha256 { return (cached, sha256, nil) }
      progress?.note("the cached archive '\(cache.describe(entry: cached))' is damaged; removed it")
      try SourceCache.removeTree(cached)
    }
    if offline { throw FetchError.offlineMissing("the archive", source: url) }
    let source = mirrors.resolve(url)
    progress?.note("downloading '\(url)'" + (source == url ? "" : " from '\(source)'"))
    let temporary = try cache.temporaryPath("archive")
    do {
      let actual =
        try UpstreamDebianSource(url: source).map {
          try AptSource(runner: runner, cache: cache).download($0, to: temporary)
        } ?? downloader.download(source, to: temporary, progress: progress)
      if let sha256, sha256 != actual {
        throw FetchError.mismatch(
          what: "sha256 of the archive", source: url, expected: sha256, actual: actual)
      }
      downloaded = true
      return (temporary, actual, temporary)
    } catch {
      try? SourceCache.removeTree(temporary)
      throw error
    }
  }

  /// The tree with the patch set applied, cached by (tree hash, patch-set hash).
  private func applyPatches(
    _ patches: PatchSet, treeHash: String, name: String, repaired: inout Bool
  ) throws -> String {
    let tree = cache.treePath(treeHash: treeHash)
    guard let setHash = patches.hash else { return tree }
    let final = cache.patchedPath(treeHash: treeHash, patchSetHash: setHash)
    return try cache.withLock("patched-" + SourceCache.hexPart(treeHash)) {
      // Its content hash is the stamp's: patching the verified tree again remakes it.
      if try usable(final, expected: nil, name: name, repaired: &repaired) { return final }
      let temporary = try cache.temporaryPath("patched")
      let scratch = try cache.temporaryPath("patchrepo")
      defer {
        try? SourceCache.removeTree(temporary)
        try? SourceCache.removeTree(scratch)
      }
      try cache.fileSystem.copy(tree, to: temporary)
      try PatchApplier().apply(patches, to: temporary, scratch: scratch)
      let patchedHash = try TreeHash.compute(directory: temporary)
      try cache.install(temporary, at: final)
      try cache.markVerified(entry: final, treeHash: patchedHash)
      return final
    }
  }
}
