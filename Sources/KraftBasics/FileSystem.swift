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

  /// What is at `path`: the entry itself (a link is reported as a link) unless
  /// `followingLinks`; nil when there is nothing (or a link leads nowhere).
  func status(_ path: String, followingLinks: Bool) -> FileStatus?
  /// The bytes of a file (following symlinks).
  func readData(_ path: String) throws -> Data
  /// Writes atomically like `writeText`: a reader sees the old content or the new, never half.
  func writeData(_ data: Data, to path: String) throws
  /// Creates (or truncates) a file in place with exactly `permissions`, without the
  /// temporary file and flush of an atomic write: for filling a fresh folder that is itself
  /// renamed into place when complete (an extracted tree), where a flush per file would cost
  /// minutes.
  func createFile(_ path: String, contents: Data, permissions: UInt16) throws
  /// Sets the permission bits (`chmod`).
  func setPermissions(_ path: String, _ permissions: UInt16) throws
  /// Copies a file or a folder with its contents; links are copied as links. Fails when
  /// `destination` exists.
  func copy(_ source: String, to destination: String) throws
  /// Moves (renames) a file or a folder. Fails when `destination` exists.
  func move(_ source: String, to destination: String) throws
  /// Creates a symbolic link at `path` holding `target` (stored as given, not resolved).
  func createSymbolicLink(_ path: String, to target: String) throws
  /// The target a symbolic link holds, as stored (possibly relative); throws for a non-link.
  func destinationOfSymbolicLink(_ path: String) throws -> String
  /// True for a file the current user may run (following links).
  func isExecutable(_ path: String) -> Bool
  /// The working folder of the process (what relative paths on the command line mean).
  var currentDirectory: String { get }
  /// Creates a folder and any missing folders above it, each new one with exactly
  /// `permissions` whatever the umask (never wider for a moment either); folders already there
  /// are left as they are. For places whose safety kraft checks (its caches, credentials),
  /// which a umask of 000 must not open to every user.
  func createDirectory(_ path: String, exactly permissions: UInt16) throws
}

/// What kind of entry a path names.
public enum FileKind: Sendable, Equatable {
  case file, directory, symbolicLink, other
}

/// The `stat` fields kraft decides on: kind, size, permission bits and owner.
public struct FileStatus: Sendable, Equatable {
  public var kind: FileKind
  /// Bytes of a file, of the target path of a link; unspecified for folders.
  public var size: Int
  /// The permission bits (`st_mode & 0o7777`).
  public var permissions: UInt16
  public var owner: UInt32
  public var group: UInt32

  public init(kind: FileKind, size: Int, permissions: UInt16, owner: UInt32, group: UInt32) {
    self.kind = kind
    self.size = size
    self.permissions = permissions
    self.owner = owner
    self.group = group
  }
}

extension FileSystem {
  public func isSymbolicLink(_ path: String) -> Bool {
    status(path, followingLinks: false)?.kind == .symbolicLink
  }

  public func fileSize(_ path: String) -> Int? {
    guard let status = status(path, followingLinks: true), status.kind == .file else {
      return nil
    }
    return status.size
  }

  /// The entry itself, links not followed.
  public func status(_ path: String) -> FileStatus? { status(path, followingLinks: false) }

  /// `path` as an absolute path: relative ones are taken against the working folder.
  public func absolutePath(_ path: String) -> String {
    path.hasPrefix("/") ? path : currentDirectory + "/" + path
  }

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
  /// Entries whose full path `skip` returns true for are left out, folders without a look
  /// inside.
  public func walkFiles(_ path: String, skipping skip: (String) -> Bool = { _ in false }) throws
    -> [String]
  {
    var result: [String] = []
    for name in try list(path) {
      let child = path + "/" + name
      if skip(child) { continue }
      if isSymbolicLink(child) {
        if !isDirectory(child) { result.append(name) }
      } else if isDirectory(child) {
        result += try walkFiles(child, skipping: skip).map { name + "/" + $0 }
      } else {
        result.append(name)
      }
    }
    return result.sorted()
  }

  /// Visits every entry below `path` (not `path` itself), a folder before its contents; a link
  /// is visited, never followed. A folder is listed after its visit, so `visit` may make it
  /// readable (or writable) first.
  public func visitEntries(
    below path: String, _ visit: (_ path: String, _ status: FileStatus) throws -> Void
  ) throws {
    for name in try list(path) {
      let child = path + "/" + name
      guard let status = status(child) else { continue }
      try visit(child, status)
      if status.kind == .directory { try visitEntries(below: child, visit) }
    }
  }

  /// Relative paths below `root` matching a glob (`*` and `?` within one path component,
  /// `**` for any number of folders). A pattern without wildcards matches itself if present.
  public func glob(_ pattern: String, in root: String) throws -> [String] {
    guard pattern.contains(where: { "*?[".contains($0) }) else {
      return exists(root + "/" + pattern) ? [pattern] : []
    }
    // Only the folder named by the pattern's leading literal components is walked (musl's
    // recipe has a hundred patterns such as `src/aio/*.c`; walking its whole tree for each
    // was most of planning). A link among those components falls back to the whole walk,
    // which never goes through links to folders.
    let glob = GlobPattern(pattern)
    let components = pattern.split(separator: "/", omittingEmptySubsequences: false)
    var prefix: [Substring] = []
    for component in components.dropLast() {
      if component.contains(where: { "*?[".contains($0) }) || component.isEmpty || component == "."
        || component == ".."
      {
        break
      }
      prefix.append(component)
    }
    var folder = root
    for component in prefix {
      folder += "/" + component
      if isSymbolicLink(folder) { return try walkFiles(root).filter { glob.matches($0) } }
    }
    guard !prefix.isEmpty else { return try walkFiles(root).filter { glob.matches($0) } }
    guard isDirectory(folder) else { return [] }
    let leading = prefix.joined(separator: "/") + "/"
    return try walkFiles(folder).map { leading + $0 }.filter { glob.matches($0) }
  }
}

/// The real file system, through Foundation and POSIX calls.
public struct LocalFileSystem: FileSystem {
  public init() {}

  public func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

  public func isDirectory(_ path: String) -> Bool {
    var isFolder: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &isFolder)
      && isFolder.boolValue
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

  public func createDirectory(_ path: String, exactly permissions: UInt16) throws {
    if isDirectory(path) { return }
    let parent = (path as NSString).deletingLastPathComponent
    if !parent.isEmpty, parent != path { try createDirectory(parent, exactly: permissions) }
    // mkdir's mode is narrowed by the umask, never widened: chmod then sets the exact bits.
    if mkdir(path, mode_t(permissions)) == 0 {
      try setPermissions(path, permissions)
      return
    }
    let error = errno
    // EEXIST: another process made it first, which is fine if it is a folder.
    if error != EEXIST || !isDirectory(path) {
      throw AtomicFile.Failure(
        path: path, reason: String(cString: strerror(error)), diskFull: error == ENOSPC)
    }
  }

  public func remove(_ path: String) throws {
    guard status(path, followingLinks: false) != nil else { return }  // a dangling link too
    try FileManager.default.removeItem(atPath: path)
  }

  public func list(_ path: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: path).sorted()
  }

  public func status(_ path: String, followingLinks: Bool) -> FileStatus? {
    var info = stat()
    guard (followingLinks ? stat(path, &info) : lstat(path, &info)) == 0 else { return nil }
    let kind: FileKind =
      switch info.st_mode & S_IFMT {
      case S_IFREG: .file
      case S_IFDIR: .directory
      case S_IFLNK: .symbolicLink
      default: .other
      }
    return FileStatus(
      kind: kind, size: Int(info.st_size), permissions: UInt16(info.st_mode & 0o7777),
      owner: info.st_uid, group: info.st_gid)
  }

  public func readData(_ path: String) throws -> Data {
    try Data(contentsOf: URL(fileURLWithPath: path))
  }

  public func writeData(_ data: Data, to path: String) throws {
    try createDirectory((path as NSString).deletingLastPathComponent)
    try AtomicFile.replace(path, with: data)
  }

  public func createFile(_ path: String, contents: Data, permissions: UInt16) throws {
    guard FileManager.default.createFile(atPath: path, contents: contents) else {
      throw AtomicFile.Failure(
        path: path, reason: String(cString: strerror(errno)), diskFull: errno == ENOSPC)
    }
    try setPermissions(path, permissions)
  }

  public func setPermissions(_ path: String, _ permissions: UInt16) throws {
    guard chmod(path, mode_t(permissions)) == 0 else {
      throw AtomicFile.Failure(path: path, reason: String(cString: strerror(errno)), diskFull: false)
    }
  }

  public func copy(_ source: String, to destination: String) throws {
    try FileManager.default.copyItem(atPath: source, toPath: destination)
  }

  public func move(_ source: String, to destination: String) throws {
    try FileManager.default.moveItem(atPath: source, toPath: destination)
  }

  public func createSymbolicLink(_ path: String, to target: String) throws {
    try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: target)
  }

  public func destinationOfSymbolicLink(_ path: String) throws -> String {
    try FileManager.default.destinationOfSymbolicLink(atPath: path)
  }

  public func isExecutable(_ path: String) -> Bool {
    FileManager.default.isExecutableFile(atPath: path)
  }

  public var currentDirectory: String { FileManager.default.currentDirectoryPath }
}
