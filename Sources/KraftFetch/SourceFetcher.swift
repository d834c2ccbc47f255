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
  /// Use only the cache; anything missing is an error naming it.
  public let offline: Bool

  public init(
    cache: SourceCache, mirrors: MirrorTable = MirrorTable(),
    downloader: Downloader = URLSessionDownloader(), progress: FetchProgress? = nil,
    offline: Bool = false
  ) {
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
    var downloaded = false
    // One process at a time per source: a second one waits, then finds the entries made.
    let (treeHash, pin) = try cache.withLock("source-" + SHA256.hex(of: request.url).prefix(32)) {
      try obtainTree(request, downloaded: &downloaded)
    }
    let directory = try applyPatches(request.patches, treeHash: treeHash)
    let kind: LockfileEntry.Kind
    if case .git = request.origin { kind = .git } else { kind = .archive }
    let entry = LockfileEntry(
      name: request.name, version: request.version, kind: kind, url: request.url, pin: pin,
      patchSetHash: request.patches.hash)
    return PreparedSource(
      name: request.name, directory: directory, lockEntry: entry, downloaded: downloaded)
  }

  /// The verified, unpatched tree: its hash and the full pin (archive hash or commit + tree).
  private func obtainTree(_ request: SourceRequest, downloaded: inout Bool) throws
    -> (String, UpstreamPin)
  {
    var pin = request.pin
    if let tree = pin.treeHash, cache.exists(cache.treePath(treeHash: tree)),
      pin.archiveSHA256 != nil || pin.commit != nil
    {
      return (tree, pin)
    }
    let temporary = try cache.temporaryPath("tree")
    defer { try? SourceCache.removeTree(temporary) }
    var archiveToInstall: String?
    switch request.origin {
    case .archive(let url):
      let archive = try obtainArchive(url, sha256: pin.archiveSHA256, downloaded: &downloaded)
      pin.archiveSHA256 = archive.sha256
      archiveToInstall = archive.temporary
      try ArchiveExtractor.extract(archive: archive.path, into: temporary)
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
    try cache.install(temporary, at: cache.treePath(treeHash: actual))
    return (actual, pin)
  }

  /// The archive's bytes: from the cache when its sha256 is known and present, else
  /// downloaded (through a mirror when one matches) to a temporary file and checked. The
  /// caller installs the temporary file once the extracted tree is verified too.
  private func obtainArchive(_ url: String, sha256: String?, downloaded: inout Bool) throws
    -> (path: String, sha256: String, temporary: String?)
  {
    if let sha256, cache.exists(cache.archivePath(sha256: sha256)) {
      return (cache.archivePath(sha256: sha256), sha256, nil)
    }
    if offline { throw FetchError.offlineMissing("the archive", source: url) }
    let source = mirrors.resolve(url)
    progress?.note("downloading '\(url)'" + (source == url ? "" : " from '\(source)'"))
    let temporary = try cache.temporaryPath("archive")
    do {
      let actual = try downloader.download(source, to: temporary, progress: progress)
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
  private func applyPatches(_ patches: PatchSet, treeHash: String) throws -> String {
    let tree = cache.treePath(treeHash: treeHash)
    guard let setHash = patches.hash else { return tree }
    let final = cache.patchedPath(treeHash: treeHash, patchSetHash: setHash)
    return try cache.withLock("patched-" + SourceCache.hexPart(treeHash)) {
      if cache.exists(final) { return final }
      let temporary = try cache.temporaryPath("patched")
      let scratch = try cache.temporaryPath("patchrepo")
      defer {
        try? SourceCache.removeTree(temporary)
        try? SourceCache.removeTree(scratch)
      }
      try FileManager.default.copyItem(atPath: tree, toPath: temporary)
      try PatchApplier().apply(patches, to: temporary, scratch: scratch)
      try cache.install(temporary, at: final)
      return final
    }
  }
}
