import Foundation
import KraftBasics

/// Symbolic links inside a source tree, judged by where they really lead. A link is checked
/// on disk, following every link it passes through (so `a -> b/..` with `b -> ..` is seen to
/// leave the tree), never by its text alone. Used by archive extraction and patching, whose
/// trees kraft builds from and must never let reach the host's files.
enum TreeLinks {
  /// How many links one path may pass through, as Linux's own limit (`ELOOP`).
  static let maximumHops = 40

  /// Nil when the link at `relativePath` (below `root`) leads to a place inside the tree (or
  /// to nothing, a dangling link inside it); else why not.
  static func escape(
    of relativePath: String, root: String, fileSystem: any FileSystem = LocalFileSystem()
  ) -> String? {
    var resolved: [Substring] = relativePath.split(separator: "/").dropLast()
    guard let first = try? fileSystem.destinationOfSymbolicLink(root + "/" + relativePath)
    else { return "it cannot be read" }
    if first.hasPrefix("/") { return "it points to the absolute path '\(first)'" }
    var pending: [Substring] = first.split(separator: "/").reversed()
    var hops = 1
    while let part = pending.popLast() {
      if part == "." || part.isEmpty { continue }
      if part == ".." {
        if resolved.isEmpty { return "it leads to '\(first)', outside the tree" }
        resolved.removeLast()
        continue
      }
      resolved.append(part)
      let full = root + "/" + resolved.joined(separator: "/")
      guard let status = fileSystem.status(full) else { continue }  // dangling or not yet there: inside
      guard status.kind == .symbolicLink else { continue }
      hops += 1
      if hops > maximumHops { return "it goes through more than \(maximumHops) links" }
      guard let next = try? fileSystem.destinationOfSymbolicLink(full) else {
        return "it goes through '\(resolved.joined(separator: "/"))', which cannot be read"
      }
      if next.hasPrefix("/") {
        return "it goes through '\(resolved.joined(separator: "/"))', a link to the absolute "
          + "path '\(next)'"
      }
      resolved.removeLast()
      pending += next.split(separator: "/").reversed()
    }
    return nil
  }

  /// The first folder of `relativePath` (not the path itself) that is a symbolic link on
  /// disk, or nil. Writing below such a folder would write wherever the link leads.
  static func linkedParent(
    of relativePath: String, root: String, fileSystem: any FileSystem = LocalFileSystem()
  ) -> String? {
    var prefix = ""
    for part in relativePath.split(separator: "/").dropLast() {
      prefix += prefix.isEmpty ? String(part) : "/" + part
      if fileSystem.status(root + "/" + prefix)?.kind == .symbolicLink {
        return prefix
      }
    }
    return nil
  }

  /// The first link below `root` (walked without following links) that leaves the tree, with
  /// the reason; nil when every link stays inside.
  static func firstEscape(
    under root: String, relative: String = "", fileSystem: any FileSystem = LocalFileSystem()
  ) -> (String, String)? {
    let folder = relative.isEmpty ? root : root + "/" + relative
    let names = (try? fileSystem.list(folder)) ?? []
    for name in names.sorted() {
      let path = relative.isEmpty ? name : relative + "/" + name
      switch fileSystem.status(root + "/" + path)?.kind {
      case .symbolicLink:
        if let reason = escape(of: path, root: root, fileSystem: fileSystem) { return (path, reason) }
      case .directory:
        if let found = firstEscape(under: root, relative: path, fileSystem: fileSystem) {
          return found
        }
      default:
        continue
      }
    }
    return nil
  }

  /// True when `path` itself is a symbolic link.
  static func isLink(_ path: String, fileSystem: any FileSystem = LocalFileSystem()) -> Bool {
    fileSystem.isSymbolicLink(path)
  }
}
