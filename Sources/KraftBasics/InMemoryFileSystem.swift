import Foundation

/// A file system in memory, for tests: files and symbolic links are a dictionary, folders are
/// implied by the entries below them or created explicitly. It behaves as `LocalFileSystem`
/// does (links followed on reads and in the middle of paths, replaced on writes; the same
/// errors for missing entries), which `InMemoryFileSystemTests` checks against a real folder.
public final class InMemoryFileSystem: FileSystem, @unchecked Sendable {
  private enum Entry {
    case file(Data, permissions: UInt16)
    case link(String)
  }

  private let lock = NSLock()
  private var entries: [String: Entry]
  private var folders: Set<String> = ["/"]
  private let owner: UInt32
  private let group: UInt32
  public let currentDirectory: String

  /// `files`: path to text. Entries are owned by `owner` and `group` (the current user's by
  /// default, as files a process creates are).
  public init(
    files: [String: String] = [:], owner: UInt32 = geteuid(), group: UInt32 = getegid(),
    currentDirectory: String = "/"
  ) {
    self.entries = [:]
    self.owner = owner
    self.group = group
    self.currentDirectory = currentDirectory
    for (path, text) in files {
      let target = resolvedLocked(path)
      entries[target] = .file(Data(text.utf8), permissions: 0o644)
      insertParentsLocked(target)
    }
  }

  public func exists(_ path: String) -> Bool {
    locked { kindLocked(resolvedLocked(path)) != nil }
  }

  public func isDirectory(_ path: String) -> Bool {
    locked { kindLocked(resolvedLocked(path)) == .directory }
  }

  public func readText(_ path: String) throws -> String {
    let data = try readData(path)
    guard let text = String(data: data, encoding: .utf8) else {
      throw CocoaError(.fileReadInapplicableStringEncoding)
    }
    return text
  }

  public func readData(_ path: String) throws -> Data {
    try locked {
      guard case .file(let data, _)? = entries[resolvedLocked(path)] else {
        throw CocoaError(.fileReadNoSuchFile)
      }
      return data
    }
  }

  public func writeText(_ text: String, to path: String) throws {
    try writeData(Data(text.utf8), to: path)
  }

  /// As the real atomic write: a link at `path` is replaced, an existing file keeps its
  /// permission bits, a new one gets 0644.
  public func writeData(_ data: Data, to path: String) throws {
    locked {
      let target = resolvedLocked(path, followingLast: false)
      var permissions: UInt16 = 0o644
      if case .file(_, let existing)? = entries[target] { permissions = existing }
      entries[target] = .file(data, permissions: permissions)
      insertParentsLocked(target)
    }
  }

  public func createFile(_ path: String, contents: Data, permissions: UInt16) throws {
    try locked {
      let target = resolvedLocked(path)
      try requireParentLocked(target)
      entries[target] = .file(contents, permissions: permissions)
    }
  }

  public func setPermissions(_ path: String, _ permissions: UInt16) throws {
    try locked {
      let target = resolvedLocked(path)
      guard case .file(let data, _)? = entries[target] else {
        if folders.contains(target) { return }
        throw CocoaError(.fileNoSuchFile)
      }
      entries[target] = .file(data, permissions: permissions)
    }
  }

  public func createDirectory(_ path: String) throws {
    locked {
      let target = resolvedLocked(path)
      folders.insert(target)
      insertParentsLocked(target)
    }
  }

  /// Folders here carry no permission bits of their own (they report 0755).
  public func createDirectory(_ path: String, exactly permissions: UInt16) throws {
    try createDirectory(path)
  }

  public func remove(_ path: String) throws {
    locked {
      let target = resolvedLocked(path, followingLast: false)
      entries = entries.filter { $0.key != target && !$0.key.hasPrefix(target + "/") }
      folders = folders.filter { $0 != target && !$0.hasPrefix(target + "/") }
    }
  }

  public func list(_ path: String) throws -> [String] {
    try locked {
      let folder = resolvedLocked(path)
      guard kindLocked(folder) == .directory else { throw CocoaError(.fileReadNoSuchFile) }
      let prefix = folder.hasSuffix("/") ? folder : folder + "/"
      var names = Set<String>()
      for entry in Array(entries.keys) + Array(folders) where entry.hasPrefix(prefix) {
        if let name = entry.dropFirst(prefix.count).split(separator: "/").first {
          names.insert(String(name))
        }
      }
      return names.sorted()
    }
  }

  public func status(_ path: String, followingLinks: Bool) -> FileStatus? {
    locked {
      let target = resolvedLocked(path, followingLast: followingLinks)
      switch entries[target] {
      case .file(let data, let permissions):
        return FileStatus(
          kind: .file, size: data.count, permissions: permissions, owner: owner, group: group)
      case .link(let destination):
        return FileStatus(
          kind: .symbolicLink, size: destination.utf8.count, permissions: 0o777, owner: owner,
          group: group)
      case nil:
        guard kindLocked(target) == .directory else { return nil }
        return FileStatus(
          kind: .directory, size: 0, permissions: 0o755, owner: owner, group: group)
      }
    }
  }

  public func copy(_ source: String, to destination: String) throws {
    try locked {
      let from = resolvedLocked(source, followingLast: false)
      let to = resolvedLocked(destination, followingLast: false)
      guard kindLocked(from) != nil else { throw CocoaError(.fileReadNoSuchFile) }
      guard kindLocked(to) == nil else { throw CocoaError(.fileWriteFileExists) }
      try requireParentLocked(to)
      for (path, entry) in entries where path == from || path.hasPrefix(from + "/") {
        entries[to + path.dropFirst(from.count)] = entry
      }
      for folder in folders where folder == from || folder.hasPrefix(from + "/") {
        folders.insert(to + folder.dropFirst(from.count))
      }
    }
  }

  public func move(_ source: String, to destination: String) throws {
    try copy(source, to: destination)
    try remove(source)
  }

  public func createSymbolicLink(_ path: String, to target: String) throws {
    try locked {
      let at = resolvedLocked(path, followingLast: false)
      guard kindLocked(at) == nil else { throw CocoaError(.fileWriteFileExists) }
      try requireParentLocked(at)
      entries[at] = .link(target)
    }
  }

  public func destinationOfSymbolicLink(_ path: String) throws -> String {
    try locked {
      guard case .link(let target)? = entries[resolvedLocked(path, followingLast: false)] else {
        throw CocoaError(.fileReadNoSuchFile)
      }
      return target
    }
  }

  public func isExecutable(_ path: String) -> Bool {
    guard let status = status(path, followingLinks: true), status.kind == .file else {
      return false
    }
    return status.permissions & 0o111 != 0
  }

  /// Every regular file's path and text, for assertions.
  public var allFiles: [String: String] {
    locked {
      entries.compactMapValues {
        guard case .file(let data, _) = $0 else { return nil }
        return String(decoding: data, as: UTF8.self)
      }
    }
  }

  private func kindLocked(_ path: String) -> FileKind? {
    switch entries[path] {
    case .file?: return .file
    case .link?: return .symbolicLink
    case nil:
      let prefix = path.hasSuffix("/") ? path : path + "/"
      let isFolder =
        folders.contains(path) || entries.keys.contains { $0.hasPrefix(prefix) }
        || folders.contains { $0.hasPrefix(prefix) }
      return isFolder ? .directory : nil
    }
  }

  /// The folder a new entry goes into must exist, as for the real calls.
  private func requireParentLocked(_ path: String) throws {
    let parent = (path as NSString).deletingLastPathComponent
    guard kindLocked(parent) == .directory else { throw CocoaError(.fileNoSuchFile) }
  }

  private func insertParentsLocked(_ path: String) {
    var parent = (path as NSString).deletingLastPathComponent
    while !parent.isEmpty, parent != "/", folders.insert(parent).inserted {
      parent = (parent as NSString).deletingLastPathComponent
    }
  }

  /// The physical path `path` names: `.` and `..` applied, links in the middle followed (and
  /// the last one too when `followingLast`), up to 40 links as Linux allows.
  private func resolvedLocked(_ path: String, followingLast: Bool = true) -> String {
    var pending = path.split(separator: "/").map(String.init)
    var resolved: [String] = []
    var links = 0
    while !pending.isEmpty {
      let name = pending.removeFirst()
      if name == "." { continue }
      if name == ".." {
        _ = resolved.popLast()
        continue
      }
      let candidate = "/" + (resolved + [name]).joined(separator: "/")
      if case .link(let target)? = entries[candidate], !pending.isEmpty || followingLast,
        links < 40
      {
        links += 1
        if target.hasPrefix("/") { resolved = [] }
        pending = target.split(separator: "/").map(String.init) + pending
        continue
      }
      resolved.append(name)
    }
    return "/" + resolved.joined(separator: "/")
  }

  private func locked<T>(_ body: () throws -> T) rethrows -> T {
    lock.lock()
    defer { lock.unlock() }
    return try body()
  }
}
