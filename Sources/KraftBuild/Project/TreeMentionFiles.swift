import Foundation
import KraftBasics

/// `TreeMentionMemo` in kraft's cache (`$KRAFT_CACHE_DIR/mentions/<sha256 of identity>`): the
/// option names a prepared port tree mentions, one file per verified identity (its pinned
/// tree hash, patch set and prepared layer, checked by the fetch layer every time it hands the
/// tree out), so the names of a tree are read once per cache, not once per build. A tree with
/// no identity (not fetched by kraft) is read every time. The file repeats the identity, and
/// one that does not is ignored; the cache folder is one kraft refuses when others may write
/// it, as for the prebuilt store.
public struct TreeMentionFiles: TreeMentionMemo {
  static let header = "kraft tree mentions 1"

  public var directory: String
  /// Each prepared tree's folder and its identity (`FetchedPorts.identities`).
  public var identities: [String: String]

  public init(directory: String, identities: [String: String]) {
    self.directory = directory
    self.identities = identities
  }

  public func recalled(tree: String) -> Set<String>? {
    guard let identity = identities[tree],
      let text = MemoFolder(directory: directory).read(identity)
    else { return nil }
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    guard lines.count >= 3, lines[0] == Self.header, lines[1] == identity, lines.last == "" else {
      return nil
    }
    return Set(lines.dropFirst(2).dropLast().map { Self.name(String($0)) })
  }

  public func remember(_ names: Set<String>, tree: String) {
    guard let identity = identities[tree] else { return }
    let lines = names.map(Self.line).sorted()
    let text = ([Self.header, identity] + lines).joined(separator: "\n") + "\n"
    // A memo that cannot be written costs the next build a read of the tree, nothing else.
    MemoFolder(directory: directory).write(text, for: identity)
  }

  /// A name as a memo's line: `OptionMentions.everyOption` (a file that reads options it does
  /// not name) as `*`.
  static func line(_ name: String) -> String { name == OptionMentions.everyOption ? "*" : name }
  static func name(_ line: String) -> String { line == "*" ? OptionMentions.everyOption : line }
}
