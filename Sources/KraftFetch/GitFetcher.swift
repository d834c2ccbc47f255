import CLibGit2
import Foundation
import KraftModel

/// Brings git sources into the cache through libgit2 (never the `git` program): one bare
/// repository per upstream URL under `git/`, fetched from the URL or its mirror, then a
/// commit's tree written out as plain files.
public struct GitFetcher {
  public let cache: SourceCache
  public var progress: FetchProgress?

  public init(cache: SourceCache, progress: FetchProgress? = nil) {
    self.cache = cache
    self.progress = progress
    LibGit2.ensureInitialized()
  }

  /// The commit to use for `ref` of `url`, fetching from `fetchURL` only when the cached
  /// repository cannot answer. A tag must still point at `pinnedCommit`; a branch or other
  /// ref with a pin (from the lockfile) uses the pin, since branches move.
  public func resolve(
    url: String, fetchURL: String, ref: GitReference?, pinnedCommit: String?, offline: Bool
  ) throws -> String {
    guard ref != nil || pinnedCommit != nil else {
      throw FetchError(
        .invalidInput, "git source '\(url)' names no branch, tag or commit; add one")
    }
    let path = cache.gitRepositoryPath(url: url)
    return try cache.withLock("git-" + (path as NSString).lastPathComponent) {
      let repository = try openOrCreate(path)
      defer { git_repository_free(repository) }
      let refMustMatchPin: Bool = {
        if case .tag = ref { return true }
        return false
      }()
      if let pinnedCommit, hasCommit(repository, pinnedCommit) {
        if !refMustMatchPin || resolveLocally(repository, ref) == pinnedCommit {
          return pinnedCommit
        }
      }
      if pinnedCommit == nil, let ref, case .ref(let name) = ref, Self.isCommitID(name),
        hasCommit(repository, name)
      {
        return name
      }
      if offline {
        throw FetchError.offlineMissing(Self.describe(ref, pinnedCommit), source: url)
      }
      try fetch(repository, from: fetchURL, label: url)
      let resolved = resolveLocally(repository, ref)
      if let pinnedCommit {
        if refMustMatchPin {
          guard let resolved else { throw missingRef(ref, url) }
          guard resolved == pinnedCommit else {
            throw FetchError.mismatch(
              what: "commit of \(Self.describe(ref, nil))", source: url, expected: pinnedCommit,
              actual: resolved)
          }
        }
        guard hasCommit(repository, pinnedCommit) else {
          throw FetchError.failed(
            "commit '\(pinnedCommit)' is not in '\(url)'; check the pin or the mirror")
        }
        return pinnedCommit
      }
      guard let resolved else { throw missingRef(ref, url) }
      return resolved
    }
  }

  /// Writes the tree of `commit` into `directory` (which must not exist yet).
  public func checkout(url: String, commit: String, into directory: String) throws {
    let path = cache.gitRepositoryPath(url: url)
    try cache.withLock("git-" + (path as NSString).lastPathComponent) {
      var repository: OpaquePointer?
      try LibGit2.check(git_repository_open_bare(&repository, path), "cannot open '\(path)'")
      defer { git_repository_free(repository) }
      guard var id = LibGit2.oid(commit) else {
        throw FetchError(.invalidInput, "'\(commit)' is not a commit id")
      }
      var commitObject: OpaquePointer?
      try LibGit2.check(git_commit_lookup(&commitObject, repository, &id), "no commit '\(commit)'")
      defer { git_commit_free(commitObject) }
      var tree: OpaquePointer?
      try LibGit2.check(git_commit_tree(&tree, commitObject), "no tree for '\(commit)'")
      defer { git_tree_free(tree) }
      try GitTreeWriter(repository: repository!).write(tree: tree!, to: directory)
    }
    // As for archives: a link in the repository may not lead out of the tree.
    if let (link, reason) = TreeLinks.firstEscape(under: directory) {
      throw FetchError(
        .verificationFailed,
        "commit '\(commit)' of '\(url)' has a symbolic link '\(link)' leaving the tree "
          + "(\(reason)); kraft refuses links that leave a source tree")
    }
  }

  private func openOrCreate(_ path: String) throws -> OpaquePointer {
    var repository: OpaquePointer?
    if cache.fileSystem.exists(path) {
      try LibGit2.check(git_repository_open_bare(&repository, path), "cannot open '\(path)'")
      return repository!
    }
    // Created aside and renamed so no half-initialised repository is ever found.
    let temporary = try cache.temporaryPath("git")
    try LibGit2.check(git_repository_init(&repository, temporary, 1), "cannot create '\(path)'")
    git_repository_free(repository)
    try cache.install(temporary, at: path)
    try LibGit2.check(git_repository_open_bare(&repository, path), "cannot open '\(path)'")
    return repository!
  }

  private func fetch(_ repository: OpaquePointer, from fetchURL: String, label: String) throws {
    progress?.note("fetching '\(label)'" + (fetchURL == label ? "" : " from '\(fetchURL)'"))
    var remote: OpaquePointer?
    try LibGit2.check(
      git_remote_create_anonymous(&remote, repository, fetchURL), "bad git URL '\(fetchURL)'")
    defer { git_remote_free(remote) }
    var options = git_fetch_options()
    git_fetch_options_init(&options, UInt32(GIT_FETCH_OPTIONS_VERSION))
    options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_ALL
    let reporter = GitProgressBox(progress: progress, label: label)
    let box = Unmanaged.passRetained(reporter)
    defer { box.release() }
    options.callbacks.payload = box.toOpaque()
    options.callbacks.transfer_progress = { stats, payload in
      guard let stats, let payload else { return 0 }
      let reporter = Unmanaged<GitProgressBox>.fromOpaque(payload).takeUnretainedValue()
      reporter.progress?.report(
        reporter.label,
        objects: (Int(stats.pointee.received_objects), Int(stats.pointee.total_objects)),
        bytes: Int64(stats.pointee.received_bytes), totalBytes: nil)
      return 0
    }
    let specs = ["+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"]
    var pointers = specs.map { strdup($0) }
    defer { pointers.forEach { free($0) } }
    let status = pointers.withUnsafeMutableBufferPointer { buffer -> Int32 in
      var array = git_strarray(strings: buffer.baseAddress, count: buffer.count)
      return git_remote_fetch(remote, &array, &options, nil)
    }
    guard status == 0 else {
      throw FetchError.failed(
        "fetching '\(fetchURL)' failed: \(LibGit2.lastError()); check the URL, the network "
          + "or 'KRAFT_MIRRORS'")
    }
  }

  private func hasCommit(_ repository: OpaquePointer, _ hex: String) -> Bool {
    guard var id = LibGit2.oid(hex) else { return false }
    var object: OpaquePointer?
    guard git_commit_lookup(&object, repository, &id) == 0 else { return false }
    git_commit_free(object)
    return true
  }

  /// The commit a ref names in the cached repository, or nil.
  private func resolveLocally(_ repository: OpaquePointer, _ ref: GitReference?) -> String? {
    let candidates: [String]
    switch ref {
    case .none: return nil
    case .tag(let name): candidates = ["refs/tags/\(name)"]
    case .branch(let name): candidates = ["refs/heads/\(name)"]
    case .ref(let name): candidates = [name, "refs/tags/\(name)", "refs/heads/\(name)"]
    }
    for spec in candidates {
      var object: OpaquePointer?
      guard git_revparse_single(&object, repository, spec + "^{commit}") == 0 else { continue }
      defer { git_object_free(object) }
      return LibGit2.hex(git_object_id(object).pointee)
    }
    return nil
  }

  private func missingRef(_ ref: GitReference?, _ url: String) -> FetchError {
    FetchError.failed("\(Self.describe(ref, nil)) does not exist in '\(url)'; check the name")
  }

  static func describe(_ ref: GitReference?, _ commit: String?) -> String {
    switch ref {
    case .tag(let name): return "tag '\(name)'"
    case .branch(let name): return "branch '\(name)'"
    case .ref(let name): return "ref '\(name)'"
    case .none: return "commit '\(commit ?? "")'"
    }
  }

  static func isCommitID(_ text: String) -> Bool {
    text.count == 40 && text.allSatisfy { $0.isHexDigit }
  }
}

private final class GitProgressBox {
  let progress: FetchProgress?
  let label: String
  init(progress: FetchProgress?, label: String) {
    self.progress = progress
    self.label = label
  }
}
