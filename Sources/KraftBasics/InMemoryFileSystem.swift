import Foundation

/// A file system in memory, for tests: files are a dictionary, folders are implied by the
/// files below them or created explicitly.
public final class InMemoryFileSystem: FileSystem, @unchecked Sendable {
  private let lock = NSLock()
  private var files: [String: String]
  private var folders: Set<String> = ["/"]

  public init(files: [String: String] = [:]) {
    self.files = files
  }

  public func exists(_ path: String) -> Bool {
    locked { files[path] != nil || isFolderLocked(path) }
  }

  public func isDirectory(_ path: String) -> Bool { locked { isFolderLocked(path) } }

  public func readText(_ path: String) throws -> String {
    try locked {
      guard let text = files[path] else { throw CocoaError(.fileReadNoSuchFile) }
      return text
    }
  }

  public func fileSize(_ path: String) -> Int? { locked { files[path]?.utf8.count } }

  public func writeText(_ text: String, to path: String) throws {
    locked { files[path] = text }
  }

  public func createDirectory(_ path: String) throws {
    _ = locked { folders.insert(path) }
  }

  public func remove(_ path: String) throws {
    locked {
      files = files.filter { $0.key != path && !$0.key.hasPrefix(path + "/") }
      folders = folders.filter { $0 != path && !$0.hasPrefix(path + "/") }
    }
  }

  public func list(_ path: String) throws -> [String] {
    locked {
      let prefix = path.hasSuffix("/") ? path : path + "/"
      var names = Set<String>()
      for entry in Array(files.keys) + Array(folders) where entry.hasPrefix(prefix) {
        if let name = entry.dropFirst(prefix.count).split(separator: "/").first {
          names.insert(String(name))
        }
      }
      return names.sorted()
    }
  }

  /// Every file's path, for assertions.
  public var allFiles: [String: String] { locked { files } }

  private func isFolderLocked(_ path: String) -> Bool {
    let prefix = path.hasSuffix("/") ? path : path + "/"
    return folders.contains(path) || files.keys.contains { $0.hasPrefix(prefix) }
  }

  private func locked<T>(_ body: () throws -> T) rethrows -> T {
    lock.lock()
    defer { lock.unlock() }
    return try body()
  }
}
