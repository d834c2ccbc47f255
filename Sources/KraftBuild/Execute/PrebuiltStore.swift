import Foundation
import KraftBasics

/// Whole libraries' objects, kept by `PrebuiltKey` under kraft's cache
/// (`$KRAFT_CACHE_DIR/prebuilt/<2 hex>/<key>.objects`), so that a warm build copies a library's
/// objects in one read instead of starting one ccache process per object.
///
/// One entry is one file: a header line, a JSON line listing every object (path relative to
/// the folder holding the objects, size, SHA-256), then the objects' bytes. It is written
/// under a temporary name and renamed into place, so a concurrent build sees a whole entry or
/// none; it is checked against its hashes on every read, and an entry that fails the check is
/// removed (the build then compiles, and stores it again). The store is bounded like ccache's
/// folder (`KRAFT_COMPILE_CACHE_SIZE`): past the bound, the entries used longest ago go (a
/// hit sets an entry's modification time).
public struct PrebuiltStore: Hashable, Sendable {
  static let header = "kraft prebuilt objects 1"

  public var directory: String
  public var maxBytes: Int64

  public init(directory: String, maxBytes: Int64) {
    self.directory = directory
    self.maxBytes = maxBytes
  }

  public struct StoredObject: Hashable, Sendable {
    /// Relative to the folder holding the library's objects (`obj/musl/src/...o`).
    public var path: String
    public var data: Data

    public init(path: String, data: Data) {
      self.path = path
      self.data = data
    }
  }

  public enum Lookup: Equatable, Sendable {
    case hit([StoredObject])
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
    directory + "/" + key.prefix(2) + "/" + key + ".objects"
  }

  /// The entry for `key`, verified.
  public func load(_ key: String) -> Lookup {
    let path = entryPath(key)
    guard let data = FileManager.default.contents(atPath: path) else { return .miss }
    switch Self.decode(data) {
    case .success(let objects):
      // Used now: the last to be evicted.
      utimensat(AT_FDCWD, path, nil, 0)
      return .hit(objects)
    case .failure(let problem):
      unlink(path)
      return .damaged(problem.reason)
    }
  }

  private struct Problem: Error {
    var reason: String
  }

  private static func decode(_ data: Data) -> Result<[StoredObject], Problem> {
    let newline = UInt8(ascii: "\n")
    guard let first = data.firstIndex(of: newline),
      String(decoding: data[data.startIndex..<first], as: UTF8.self) == header,
      let second = data[(first + 1)...].firstIndex(of: newline),
      let listing = try? JSONDecoder().decode(Listing.self, from: data[(first + 1)..<second])
    else { return .failure(Problem(reason: "its header cannot be read")) }
    var offset = second + 1
    var objects: [StoredObject] = []
    for file in listing.files {
      guard file.size >= 0, offset + file.size <= data.endIndex else {
        return .failure(Problem(reason: "it is shorter than its listing"))
      }
      guard !file.path.hasPrefix("/"), !file.path.split(separator: "/").contains("..") else {
        return .failure(Problem(reason: "it names a path outside its folder: '\(file.path)'"))
      }
      let bytes = data[offset..<(offset + file.size)]
      guard PrebuiltKey.digest(bytes) == file.sha256 else {
        return .failure(Problem(reason: "'\(file.path)' does not match its hash"))
      }
      objects.append(StoredObject(path: file.path, data: Data(bytes)))
      offset += file.size
    }
    guard offset == data.endIndex else { return .failure(Problem(reason: "it is longer than its listing")) }
    return .success(objects)
  }

  /// Stores `objects` as the entry for `key` (replacing any), then evicts past the bound. An
  /// entry larger than the whole bound is not stored.
  public func save(_ key: String, library: String, objects: [StoredObject]) throws {
    let listing = Listing(
      library: library,
      files: objects.map { .init(path: $0.path, size: $0.data.count, sha256: PrebuiltKey.digest($0.data)) })
    var data = Data((Self.header + "\n").utf8)
    data.append(try JSONEncoder().encode(listing))
    data.append(UInt8(ascii: "\n"))
    for object in objects { data.append(object.data) }
    guard Int64(data.count) <= maxBytes else { return }
    let path = entryPath(key)
    let folder = String(path[..<path.lastIndex(of: "/")!])
    try LocalFileSystem().createDirectory(directory, exactly: 0o755)
    try LocalFileSystem().createDirectory(folder, exactly: 0o755)
    try Self.writeReplacing(path, data)
    evict()
  }

  /// Writes `data` under a temporary name beside `path` and renames it over `path`: readers
  /// see the old file or the new one. No `fsync`: a torn entry fails its check on read.
  static func writeReplacing(_ path: String, _ data: Data, permissions: mode_t = 0o644) throws {
    let temporary = path + ".tmp.\(getpid()).\(UUID().uuidString.prefix(8))"
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, permissions)
    guard descriptor >= 0 else { throw failure(temporary) }
    let written = data.withUnsafeBytes { bytes -> Bool in
      var done = 0
      while done < bytes.count {
        let count = write(descriptor, bytes.baseAddress! + done, bytes.count - done)
        if count < 0 {
          if errno == EINTR { continue }
          return false
        }
        done += count
      }
      return true
    }
    let error = failure(temporary)
    // The permission bits exactly (an umask of 000 must not make the file writable by all).
    fchmod(descriptor, permissions)
    close(descriptor)
    guard written else {
      unlink(temporary)
      throw error
    }
    guard rename(temporary, path) == 0 else {
      let error = failure(path)
      unlink(temporary)
      throw error
    }
  }

  private static func failure(_ path: String) -> BuildFailure {
    BuildFailure(message: "cannot write '\(path)': \(String(cString: strerror(errno)))")
  }

  /// Removes the entries used longest ago until the store is within its bound, and temporary
  /// files a build that stopped half-way left behind more than an hour ago.
  public func evict() {
    var entries: [(path: String, size: Int64, used: Int)] = []
    let now = Int(Date().timeIntervalSince1970)
    for folder in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] {
      let path = directory + "/" + folder
      for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] {
        var info = stat()
        let file = path + "/" + name
        guard stat(file, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
        if name.contains(".objects.tmp.") {
          if now - info.st_mtim.tv_sec > 3600 { unlink(file) }
          continue
        }
        guard name.hasSuffix(".objects") else { continue }
        entries.append((file, Int64(info.st_size), info.st_mtim.tv_sec))
      }
    }
    var total = entries.reduce(Int64(0)) { $0 + $1.size }
    for entry in entries.sorted(by: { $0.used < $1.used }) where total > maxBytes {
      unlink(entry.path)
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
