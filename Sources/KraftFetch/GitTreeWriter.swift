import CLibGit2
import Foundation
import KraftBasics

/// Writes a git tree out as plain files: blobs byte for byte (no line-ending or attribute
/// filters, so the tree hash sees what the commit holds), the executable bit, symbolic
/// links. Submodules are skipped, as release archives leave them out too.
struct GitTreeWriter {
  let repository: OpaquePointer
  var fileSystem: any FileSystem = LocalFileSystem()

  func write(tree: OpaquePointer, to directory: String) throws {
    try fileSystem.createDirectory(directory, exactly: 0o755)
    for index in 0..<git_tree_entrycount(tree) {
      guard let entry = git_tree_entry_byindex(tree, index) else { continue }
      let name = String(cString: git_tree_entry_name(entry))
      // A hostile repository could carry names that escape the folder.
      guard name != ".", name != "..", name != ".git", !name.contains("/") else {
        throw FetchError(.verificationFailed, "git tree has an unsafe entry '\(name)'")
      }
      let path = directory + "/" + name
      let mode = git_tree_entry_filemode(entry)
      switch mode {
      case GIT_FILEMODE_TREE:
        var subtree: OpaquePointer?
        try LibGit2.check(git_tree_lookup(&subtree, repository, git_tree_entry_id(entry)), name)
        defer { git_tree_free(subtree) }
        try write(tree: subtree!, to: path)
      case GIT_FILEMODE_BLOB, GIT_FILEMODE_BLOB_EXECUTABLE, GIT_FILEMODE_LINK:
        var blob: OpaquePointer?
        try LibGit2.check(git_blob_lookup(&blob, repository, git_tree_entry_id(entry)), name)
        defer { git_blob_free(blob) }
        let size = Int(git_blob_rawsize(blob))
        let bytes = Data(bytes: git_blob_rawcontent(blob), count: size)
        if mode == GIT_FILEMODE_LINK {
          let target = String(decoding: bytes, as: UTF8.self)
          try fileSystem.createSymbolicLink(path, to: target)
        } else {
          // Not an atomic write per file: the whole tree is built in a temporary folder.
          do {
            try fileSystem.createFile(
              path, contents: bytes,
              permissions: mode == GIT_FILEMODE_BLOB_EXECUTABLE ? 0o755 : 0o644)
          } catch {
            throw FetchError.failed("cannot write '\(path)'")
          }
        }
      default:
        continue  // submodule commits
      }
    }
  }
}
