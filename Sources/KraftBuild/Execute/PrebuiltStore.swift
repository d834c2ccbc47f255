import Foundation
import KraftBasics

/// Whole libraries' objects, kept by `PrebuiltKey` under kraft's cache
/// (`$KRAFT_CACHE_DIR/prebuilt/<2 hex>/<key>/`), so that a warm build puts a library's objects
/// in place without starting one ccache process per object.
///
/// One entry is one folder: `listing` (a header line, then a JSON line listing every object:
/// path relative to the folder holding the objects, size, SHA-256) and `objects/`, the
/// objects themselves, read-only. A hit hard-links them into the build folder (creating an
/// inode and writing the bytes for each of musl's 1,342 objects was a quarter of a warm
/// build), or copies them where the build folder is on another file system. The entry is
/// built under a temporary name and renamed into place, so a concurrent build sees a whole
/// entry or none; it is checked against its hashes on every read, and an entry that fails the
/// check is removed (the build then compiles, and stores it again). Nothing writes into an
/// entry through a link: objects are replaced by renaming over them, a library the store
/// does not answer has its linked objects unlinked before ninja compiles them
/// (`PrebuiltLibraries.breakLinks`), and the linker only reads its inputs; were an entry's
/// file changed anyway, its hash check would fail on the next read. The store is bounded like
/// ccache's folder (`KRAFT_COMPILE_CACHE_SIZE`): past the bound, the entries used longest ago
/// go (a hit sets the time of an entry's listing).
public struct PrebuiltStore: Hashable, Sendable {
  static let header = "kraft prebuilt objects 2"

  public var directory: String
  public var maxBytes: Int64

  public init(directory: String, maxBytes: Int64) {
    self.directory = directory
    self.maxBytes = maxBytes
  }

  /// An object to store.
  public struct StoredObject: Hashable, Sendable {
    /// Relative to the folder holding the library's objects (`obj/musl/src/...o`).
    public var path: String
    public var data: Data

    public init(path: String, data: Data) {
      self.path = path
      self.data = data
    }
  }

  /// An object of a verified entry: its bytes (as checked) and the entry's file holding them.
  public struct FoundObject: Hashable, Sendable {
    public var path: String
    public var data: Data
    public var file: String
  }

  public enum Lookup: Equatable, Sendable {
    case hit([FoundObject])
    case miss
    /// The entry was there but failed its check (and was removed); the text says how.
    case damaged(String)
  }

  private struct Listing: Codable {
    struct File: Codable {
      var path: String
      var size: Int
      var sha256: String
    }
    var library: String
    var files: [File]
  }

  public func entryPath(_ key: String) -> String {
    directory + "/" + key.prefix(2) + "/" + key
  }

  /// The entry for `key`, verified.
  public func load(_ key: String) -> Lookup {
    let path = entryPath(key)
    guard let data = FileManager.default.contents(atPath: path + "/listing") else { return .miss }
    switch Self.verify(listing: data, entry: path) {
    case .success(let objects):
      // Used now: the last to be evicted.
      utimensat(AT_FDCWD, path + "/listing", nil, 0)
      return .hit(objects)
    case .failure(let problem):
      Self.remove(path)
      return .damaged(problem.reason)
    }
  }

  private struct Problem: Error {
    var reason: String
  }

  private static func verify(listing data: Data, entry: String) -> Result<[FoundObject], Problem> {
    let newline = UInt8(ascii: "\n")
    guard let first = data.firstIndex(of: newline),
      String(decoding: data[data.startIndex..<first], as: UTF8.self) == header,
      let second = data[(first + 1)...].firstIndex(of: newline), second + 1 == data.endIndex,
      let listing = try? JSONDecoder().decode(Listing.self, from: data[(first + 1)..<second])
    else { return .failure(Problem(reason: "its listing cannot be read")) }
    var objects: [FoundObject] = []
    for file in listing.files {
      guard !file.path.hasPrefix("/"), !file.path.split(separator: "/").contains("..") else {
        return .failure(Problem(reason: "it names a path outside its folder: '\(file.path)'"))
      }
      let stored = entry + "/objects/" + file.path
      var info = stat()
      // A regular file of its own (never a link to somewhere else), of the listed size.
      guard lstat(stored, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG,
        let bytes = FileManager.default.contents(atPath: stored)
      else { return .failure(Problem(reason: "'\(file.path)' is missing")) }
      guard bytes.count == file.size, PrebuiltKey.digest(bytes) == file.sha256 else {
        return .failure(Problem(reason: "'\(file.path)' does not match its hash"))
      }
      objects.append(FoundObject(path: file.path, data: bytes, file: stored))
    }
    return .success(objects)
  }

  /// Stores `objects` as the entry for `key` (replacing any), then evicts past the bound. An
  /// entry larger than the whole bound is not stored.
  public func save(_ key: String, library: String, objects: [StoredObject]) throws {
    let listing = Listing(
      library: library,
      files: objects.map { .init(path: $0.path, size: $0.data.count, sha256: PrebuiltKey.digest($0.data)) })
    var text = Data((Self.header + "\n").utf8)
    text.append(try JSONEncoder().encode(listing))
    text.append(UInt8(ascii: "\n"))
    guard Int64(objects.reduce(text.count) { $0 + $1.data.count }) <= maxBytes else { return }
    let path = entryPath(key)
    let folder = String(path[..<path.lastIndex(of: "/")!])
    let files = LocalFileSystem()
    try files.createDirectory(directory, exactly: 0o755)
    try files.createDirectory(folder, exactly: 0o755)
    let temporary = path + ".tmp.\(getpid()).\(UUID().uuidString.prefix(8))"
    do {
      try files.createDirectory(temporary, exactly: 0o755)
      var made: Set<String> = []
      for object in objects {
        let file = temporary + "/objects/" + object.path
        let parent = String(file[..<file.lastIndex(of: "/")!])
        if made.insert(parent).inserted { try files.createDirectory(parent, exactly: 0o755) }
        try Self.writeReplacing(file, object.data, permissions: 0o444)
      }
      try Self.writeReplacing(temporary + "/listing", text, permissions: 0o444)
      // An older entry of the key (it failed its check, or another build stored it first) is
      // moved aside before the new one takes its name.
      if rename(temporary, path) != 0 {
        guard errno == ENOTEMPTY || errno == EEXIST else { throw Self.failure(path) }
        Self.remove(path)
        guard rename(temporary, path) == 0 else { throw Self.failure(path) }
      }
    } catch {
      Self.remove(temporary)
      throw error
    }
    evict()
  }

  /// Removes an entry (or a half-written one): renamed aside first, so that no reader finds
  /// it half-removed under its own name.
  static func remove(_ path: String) {
    let aside = path + ".removed.\(getpid()).\(UUID().uuidString.prefix(8))"
    let target = rename(path, aside) == 0 ? aside : path
    try? FileManager.default.removeItem(atPath: target)
  }

  /// Puts `object` (a verified entry's) at `path`: a hard link to the entry's file, else (the
  /// build folder is on another file system) a copy of the checked bytes. Either replaces
  /// `path` by renaming, never by writing into what is there (which may itself be linked);
  /// where nothing is there, the link is made at `path` itself.
  static func place(_ object: FoundObject, at path: String) throws {
    // Nothing there yet (a fresh build folder): the link itself is the whole step.
    if link(object.file, path) == 0 { return }
    let temporary = path + ".tmp.\(getpid()).\(UUID().uuidString.prefix(8))"
    if link(object.file, temporary) == 0 {
      guard rename(temporary, path) == 0 else {
        let error = failure(path)
        unlink(temporary)
        throw error
      }
      return
    }
    try writeReplacing(path, object.data)
  }

  /// Writes `data` under a temporary name beside `path` and renames it over `path` (readers
  /// see the old file or the new one, and a file linked to `path` is never written through),
  /// with exactly `permissions`. No `fsync`: a torn entry fails its check on read, and a
  /// stamp or an object only saves work.
  static func writeReplacing(_ path: String, _ data: Data, permissions: mode_t = 0o644) throws {
    try AtomicFile.replace(path, with: data, permissions: permissions, durable: false)
  }

  private static func failure(_ path: String) -> BuildFailure {
    BuildFailure(message: "cannot write '\(path)': \(String(cString: strerror(errno)))")
  }

  /// Removes the entries used longest ago until the store is within its bound, and folders a
  /// build that stopped half-way left behind more than an hour ago.
  public func evict() {
    var entries: [(path: String, size: Int64, used: Int)] = []
    let now = Int(Date().timeIntervalSince1970)
    for folder in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] {
      let path = directory + "/" + folder
      for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] {
        var info = stat()
        let entry = path + "/" + name
        guard lstat(entry, &info) == 0 else { continue }
        // An entry of the first format (one file) is never read again.
        if (info.st_mode & S_IFMT) == S_IFREG, name.hasSuffix(".objects") { unlink(entry) }
        guard (info.st_mode & S_IFMT) == S_IFDIR else { continue }
        if name.contains(".tmp.") || name.contains(".removed.") {
          if now - info.st_mtim.tv_sec > 3600 { try? FileManager.default.removeItem(atPath: entry) }
          continue
        }
        guard stat(entry + "/listing", &info) == 0,
          let text = FileManager.default.contents(atPath: entry + "/listing"),
          let line = text.split(separator: UInt8(ascii: "\n")).dropFirst().first,
          let listing = try? JSONDecoder().decode(Listing.self, from: Data(line))
        else { continue }
        let size = listing.files.reduce(Int64(text.count)) { $0 + Int64($1.size) }
        entries.append((entry, size, info.st_mtim.tv_sec))
      }
    }
    var total = entries.reduce(Int64(0)) { $0 + $1.size }
    for entry in entries.sorted(by: { $0.used < $1.used }) where total > maxBytes {
      Self.remove(entry.path)
      total -= entry.size
    }
  }

  /// ccache's `max_size` spelling (`5G`, `500M`, `200K`, `1.5Gi`; a plain number is gigabytes)
  /// in bytes, or nil.
  public static func bytes(_ size: String) -> Int64? {
    guard let match = size.wholeMatch(of: #/([0-9]+(?:\.[0-9]+)?)([kKMGT]?)(i?)/#),
      let number = Double(match.1)
    else { return nil }
    let exponent = ["": 3, "k": 1, "K": 1, "M": 2, "G": 3, "T": 4][String(match.2)]!
    let base: Double = match.3.isEmpty ? 1000 : 1024
    return Int64(number * pow(base, Double(exponent)))
  }
}
