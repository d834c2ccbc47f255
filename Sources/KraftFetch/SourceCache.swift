import Foundation
import KraftBasics

/// The per-user, content-addressed source store shared by all projects:
///
///     <root>/archives/sha256/<hex>           verified release archives
///     <root>/git/<sha256 of url>.git         bare repositories (a fetch cache, not addressed)
///     <root>/trees/<hex>/                    verified extracted trees, by tree hash
///     <root>/patched/<tree hex>-<set hex>/   trees with a patch set applied
///     <root>/prepared/<key hex>/             patched trees plus a `prepare:` step's outputs
///     <root>/prepared-index/<tree hex>       what each prepared tree's step made, and with which tools
///     <root>/verified/                       one stamp per verified tree (see VerifiedStamp)
///     <root>/locks/                          one flock file per entry
///     <root>/tmp/                            entries under construction (mode 0700)
///
/// An entry is built under `tmp/` and renamed into place while its lock is held, so a reader
/// never sees half an entry and an interrupted fetch leaves none behind. Every name is a hash,
/// never a URL or file name (which can carry credentials). Folders are created 0755 whatever
/// the umask, and a cache another user owns or anyone may write is refused: kraft often runs
/// as root, and whoever can write the cache chooses what it compiles.
public struct SourceCache: Sendable {
  public let root: String
  public let fileSystem: any FileSystem

  public init(root: String, fileSystem: any FileSystem = LocalFileSystem()) {
    self.root = root
    self.fileSystem = fileSystem
  }

  /// `$KRAFT_CACHE_DIR`, else `$XDG_CACHE_HOME/kraft`, else `~/.cache/kraft`.
  public static func defaultRoot(environment: [String: String]) -> String {
    if let explicit = environment["KRAFT_CACHE_DIR"], !explicit.isEmpty { return explicit }
    if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty { return xdg + "/kraft" }
    let home = environment["HOME"] ?? NSHomeDirectory()
    return home + "/.cache/kraft"
  }

  public func archivePath(sha256: String) -> String { "\(root)/archives/sha256/\(sha256)" }
  public func treePath(treeHash: String) -> String { "\(root)/trees/\(Self.hexPart(treeHash))" }
  public func patchedPath(treeHash: String, patchSetHash: String) -> String {
    "\(root)/patched/\(Self.hexPart(treeHash))-\(Self.hexPart(patchSetHash))"
  }
  /// `key`: sha256 of the tree, patch set, step and tool versions (see PrepareKey).
  public func preparedPath(key: String) -> String { "\(root)/prepared/\(key)" }
  public func preparedIndexPath(preparedTree: String) -> String {
    "\(root)/prepared-index/\(Self.hexPart(preparedTree))"
  }
  public func gitRepositoryPath(url: String) -> String {
    "\(root)/git/\(SHA256.hex(of: url)).git"
  }

  public func exists(_ path: String) -> Bool { fileSystem.exists(path) }

  /// Runs `body` holding the lock named `key`; concurrent kraft processes serialise here.
  public func withLock<T>(_ key: String, _ body: () throws -> T) throws -> T {
    let name = key.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "_" }
    return try FileLock.withLock(at: "\(root)/locks/\(String(name)).lock", body)
  }

  /// A fresh, unique path under `tmp/` for building an entry; the caller renames or removes it.
  public func temporaryPath(_ label: String) throws -> String {
    let folder = "\(root)/tmp"
    try makeFolder(folder, mode: 0o700)
    return "\(folder)/\(label)-\(getpid())-\(UUID().uuidString)"
  }

  /// Removes what killed processes left under `tmp/` (a fetch interrupted by SIGKILL or a
  /// power cut cannot clean up after itself). Names carry the creating pid; an entry whose
  /// process no longer exists is garbage. Entries of live processes are left alone.
  public func sweepAbandonedTemporaries() {
    for name in (try? fileSystem.list(root + "/tmp")) ?? [] {
      let parts = name.split(separator: "-")
      guard parts.count >= 3, let pid = Int32(parts[1]), pid != getpid() else { continue }
      if kill(pid, 0) != 0 && errno == ESRCH {
        try? Self.removeTree(root + "/tmp/" + name, fileSystem: fileSystem)
      }
    }
  }

  /// Moves a finished `temporary` into `final` (atomic `rename`), or discards it when another
  /// process got there first (entries are content-addressed, so either copy is the same).
  public func install(_ temporary: String, at final: String) throws {
    try makeFolder((final as NSString).deletingLastPathComponent)
    // rename(2) itself: atomic, and it fails when another process installed the entry first.
    if rename(temporary, final) != 0 {
      let reason = String(cString: strerror(errno))
      if fileSystem.exists(final) {
        try? Self.removeTree(temporary, fileSystem: fileSystem)
        return
      }
      try? Self.removeTree(temporary, fileSystem: fileSystem)
      throw FetchError.failed("cannot move '\(temporary)' to '\(final)': \(reason)")
    }
  }

  /// Creates a folder of the cache (and the root and folders between) with exactly `mode`.
  func makeFolder(_ path: String, mode: mode_t = 0o755) throws {
    if fileSystem.isDirectory(path) { return }
    let parent = (path as NSString).deletingLastPathComponent
    if path != root {
      try makeFolder(parent)  // the root and folders between: 0755, whatever `mode` is
    }
    do {
      // Above the cache: the user's folders (~/.cache), made as the umask says.
      if path == root, !parent.isEmpty { try fileSystem.createDirectory(parent) }
      try fileSystem.createDirectory(path, exactly: UInt16(mode))
    } catch let failure as AtomicFile.Failure {
      throw FetchError.failed(
        "cannot create '\(failure.path)': \(failure.reason); check the permissions of the cache "
          + "folder or set 'KRAFT_CACHE_DIR'")
    }
  }

  /// Creates the cache when missing and refuses one that is unsafe to build from: owned by
  /// another user, or writable by everyone (either could plant code or links in it).
  public func checkSafety() throws {
    try makeFolder(root + "/locks")
    for folder in [
      "", "/archives", "/archives/sha256", "/git", "/trees", "/patched", "/prepared",
      "/prepared-index", "/verified", "/locks", "/tmp", "/oci", "/oci/blobs", "/oci/blobs/sha256", "/ccache",
      "/distcc",
    ] {
      var info = stat()
      guard stat(root + folder, &info) == 0 else { continue }
      let path = root + folder
      if info.st_uid != geteuid() {
        throw FetchError(
          .fetchFailed,
          "the source cache folder '\(path)' belongs to another user (uid \(info.st_uid)); kraft "
            + "builds only from a cache of its own: set 'KRAFT_CACHE_DIR' to a folder you own")
      }
      if info.st_mode & S_IWOTH != 0 {
        throw FetchError(
          .fetchFailed,
          "the source cache folder '\(path)' is writable by every user, who could change what "
            + "kraft builds; run 'chmod o-w \(path)' (or set 'KRAFT_CACHE_DIR' elsewhere)")
      }
    }
  }

  /// Removes a folder even when it holds read-only folders (extracted archives can).
  public static func removeTree(_ path: String, fileSystem: any FileSystem = LocalFileSystem())
    throws
  {
    guard let status = fileSystem.status(path) else { return }
    if status.kind == .directory {
      try? fileSystem.setPermissions(path, 0o755)
      try? fileSystem.visitEntries(below: path) { entry, status in
        if status.kind == .directory { try? fileSystem.setPermissions(entry, 0o755) }
      }
    }
    try fileSystem.remove(path)
  }

  /// `sha256:abc` -> `abc`: folder names carry only the hex.
  static func hexPart(_ hash: String) -> String {
    hash.hasPrefix("sha256:") ? String(hash.dropFirst(7)) : hash
  }
}
