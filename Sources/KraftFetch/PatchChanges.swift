import CLibGit2
import Foundation

/// The paths one patch touches, read from its parsed diff before it is applied, and the
/// checks that keep it inside the tree it patches.
struct PatchChanges {
  struct Change {
    var oldPath: String?
    var newPath: String?
    var oldIsLink: Bool
    var newIsLink: Bool
  }

  var changes: [Change] = []

  init(_ diff: OpaquePointer) {
    for index in 0..<git_diff_num_deltas(diff) {
      guard let delta = git_diff_get_delta(diff, index)?.pointee else { continue }
      let deleted = delta.status == GIT_DELTA_DELETED
      let added = delta.status == GIT_DELTA_ADDED
      changes.append(
        Change(
          oldPath: added ? nil : delta.old_file.path.map { String(cString: $0) },
          newPath: deleted ? nil : delta.new_file.path.map { String(cString: $0) },
          oldIsLink: !added && delta.old_file.mode == UInt16(GIT_FILEMODE_LINK.rawValue),
          newIsLink: !deleted && delta.new_file.mode == UInt16(GIT_FILEMODE_LINK.rawValue)))
    }
  }

  /// Links the patch itself creates, by path.
  var createdLinks: Set<String> { Set(changes.filter(\.newIsLink).compactMap(\.newPath)) }

  /// Refuses a patch that would write below a symbolic link (one in the tree, or one made by
  /// this same patch) or into a file that is a link on disk while the patch takes it for a
  /// file: either would change whatever the link leads to, possibly the host's files.
  func checkNoWriteThroughLinks(patch: String, root: String) throws {
    let links = createdLinks
    for change in changes {
      for path in [change.oldPath, change.newPath].compactMap({ $0 }) {
        if let parent = TreeLinks.linkedParent(of: path, root: root) {
          throw refused(patch, path, "'\(parent)' is a symbolic link")
        }
        let parts = path.split(separator: "/")
        for length in 1..<max(parts.count, 1) {
          let prefix = parts.prefix(length).joined(separator: "/")
          if links.contains(prefix) {
            throw refused(patch, path, "the same patch makes '\(prefix)' a symbolic link")
          }
        }
      }
      if let old = change.oldPath, !change.oldIsLink, TreeLinks.isLink(root + "/" + old) {
        throw refused(patch, old, "it is a symbolic link in the tree, not a file")
      }
    }
  }

  /// After the patch: every link it made must lead to a place inside the tree, following
  /// any chain of links on the way.
  func checkLinksStayInside(patch: String, root: String) throws {
    for path in createdLinks.sorted() {
      if let reason = TreeLinks.escape(of: path, root: root) {
        throw FetchError(
          .verificationFailed,
          "patch '\(patch)' makes '\(path)' a symbolic link out of the source tree (\(reason)); "
            + "kraft refuses links that leave the tree: change the patch")
      }
    }
  }

  private func refused(_ patch: String, _ path: String, _ reason: String) -> FetchError {
    FetchError(
      .verificationFailed,
      "patch '\(patch)' writes '\(path)' through a symbolic link (\(reason)); kraft never "
        + "writes through links in a source tree: change the patch")
  }
}
