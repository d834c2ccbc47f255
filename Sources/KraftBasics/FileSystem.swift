import Foundation

/// The file operations kraft's logic needs, behind a protocol so that plans, manifests and
/// outputs can be tested against `InMemoryFileSystem` in milliseconds. Paths are absolute.
public protocol FileSystem: Sendable {
  func exists(_ path: String) -> Bool
  func isDirectory(_ path: String) -> Bool
  /// True for a symbolic link itself (not followed). Walks never enter a linked folder.
  func isSymbolicLink(_ path: String) -> Bool
  func readText(_ path: String) throws -> String
  /// The size in bytes of the file at `path` (following symlinks), nil when there is none:
  /// lets readers refuse an oversized input before reading it whole.
  func fileSize(_ path: String) -> Int?
  /// Writes atomically (a temporary file renamed into place), creating parent folders.
  func writeText(_ text: String, to path: String) throws
  func createDirectory(_ path: String) throws
  /// Removes a file or a folder with its contents; no error when it does not exist.
  func remove(_ path: String) throws
  /// Names (not paths) of the entries of a folder, sorted.
  func list(_ path: String) throws -> [String]
}

extension FileSystem {
  /// File systems without links (the in-memory one) have none.
  public func isSymbolicLink(_ path: String) -> Bool { false }
  /// Unknown unless a file system says: readers then find an oversized file after reading it.
  public func fileSize(_ path: String) -> Int? { nil }

  /// Writes only when the content differs, so that build tools which compare modification
  /// times (ninja) see an unchanged file as unchanged. Returns true when it wrote.
  @discardableResult
  public func writeTextIfChanged(_ text: String, to path: String) throws -> Bool {
    if exists(path), let current = try? readText(path), current == text { return false }
    try writeText(text, to: path)
    return true
  }

  /// Every file below `path` (recursively), as paths relative to it, sorted. A symbolic
  /// link to a file counts as a file; a link to a folder is never followed, so a `self -> .`
  /// link cannot make a walk endless or a glob match the same file under many names.
  public func walkFiles(_ path: String) throws -> [String] {
    var result: [String] = []
    for name in try list(path) {
      let child = path + "/" + name
      if isSymbolicLink(child) {
        if !isDirectory(child) { result.append(name) }
      } else if isDirectory(child) {
        result += try walkFiles(child).map { name + "/" + $0 }
      } else {
        result.append(name)
      }
    }
    return result.sorted()
  }

  /// Relative paths below `root` matching a glob (`*` and `?` within one path component,
  /// `**` for any number of folders). A pattern without wildcards matches itself if present.
  public func glob(_ pattern: String, in root: String) throws -> [String] {
    guard pattern.contains(where: { "*?[".contains($0) }) else {
      return exists(root + "/" + pattern) ? [pattern] : []
    }
    return try walkFiles(root).filter { GlobPattern(pattern).matches($0) }
  }
}

/// The real file system, through Foundation.
public struct LocalFileSystem: FileSystem {
  public init() {}

  public func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

  public func isDirectory(_ path: String) -> Bool {
    var isFolder: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &isFolder)
      && isFolder.boolValue
  }

  public func isSymbolicLink(_ path: String) -> Bool {
    var info = stat()
    return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK
  }

  public func readText(_ path: String) throws -> String {
    try String(contentsOfFile: path, encoding: .utf8)
  }

  public func fileSize(_ path: String) -> Int? {
    let attributes = try? FileManager.default.attributesOfItem(atPath: path)
    return (attributes?[.size] as? NSNumber)?.intValue
  }

  /// Failures (a full disk, permissions) are `AtomicFile.Failure`s naming the file.
  public func writeText(_ text: String, to path: String) throws {
    try createDirectory((path as NSString).deletingLastPathComponent)
    try AtomicFile.replace(path, with: text)
  }

  public func createDirectory(_ path: String) throws {
    do {
      try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    } catch {
      throw AtomicFile.Failure(path: path, error: error)
    }
  }

  public func remove(_ path: String) throws {
    guard FileManager.default.fileExists(atPath: path) else { return }
    try FileManager.default.removeItem(atPath: path)
  }

  public func list(_ path: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: path).sorted()
  }
}
