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
      let text = try? String(contentsOfFile: path(identity), encoding: .utf8)
    else { return nil }
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    guard lines.count >= 3, lines[0] == Self.header, lines[1] == identity, lines.last == "" else {
      return nil
    }
    return Set(lines.dropFirst(2).dropLast().map { $0 == "*" ? OptionMentions.everyOption : String($0) })
  }

  public func remember(_ names: Set<String>, tree: String) {
    guard let identity = identities[tree] else { return }
    let lines = names.map { $0 == OptionMentions.everyOption ? "*" : $0 }.sorted()
    let text = ([Self.header, identity] + lines).joined(separator: "\n") + "\n"
    // A memo that cannot be written costs the next build a read of the tree, nothing else.
    try? LocalFileSystem().createDirectory(directory, exactly: 0o755)
    try? AtomicFile.replace(path(identity), with: Data(text.utf8), permissions: 0o644, durable: false)
  }

  static let placeHeader = "kraft place mentions 1"

  /// Remembered in `places/` below the folder, by the place's path, with every file's record;
  /// believed only while every record is the same (an edit, an addition or a removal changes
  /// one: `PlaceHashMemo`'s rule).
  public func recalled(place: String, records: [(file: String, record: String?)]) -> Set<String>? {
    guard records.allSatisfy({ $0.record != nil }),
      let text = try? String(contentsOfFile: placePath(place), encoding: .utf8)
    else { return nil }
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    guard lines.count >= 4 + records.count, lines[0] == Self.placeHeader, lines[1] == place,
      lines[2] == String(records.count), lines.last == ""
    else { return nil }
    for (index, entry) in records.enumerated() where lines[3 + index] != entry.file + "\t" + entry.record! {
      return nil
    }
    return Set(
      lines[(3 + records.count)...].dropLast().map { $0 == "*" ? OptionMentions.everyOption : String($0) })
  }

  /// Not remembered when a record is missing, or a file changed in the last two seconds (it
  /// could change again within one tick of the file system's clock, unseen by its record).
  public func remember(_ names: Set<String>, place: String, records: [(file: String, record: String?)]) {
    let recent = Int(Date().timeIntervalSince1970) - 2
    guard
      records.allSatisfy({
        $0.record != nil && (PlaceHashMemo.changeTime($0.file).map { $0 < recent } ?? false)
      })
    else { return }
    let lines =
      [Self.placeHeader, place, String(records.count)] + records.map { $0.file + "\t" + $0.record! }
      + names.map { $0 == OptionMentions.everyOption ? "*" : $0 }.sorted()
    try? LocalFileSystem().createDirectory(directory, exactly: 0o755)
    try? LocalFileSystem().createDirectory(directory + "/places", exactly: 0o755)
    try? AtomicFile.replace(
      placePath(place), with: Data((lines.joined(separator: "\n") + "\n").utf8), permissions: 0o644,
      durable: false)
  }

  private func placePath(_ place: String) -> String {
    var hash = SHA256()
    hash.update(place)
    return directory + "/places/" + hash.finalizeHex()
  }

  private func path(_ identity: String) -> String {
    var hash = SHA256()
    hash.update(identity)
    return directory + "/" + hash.finalizeHex()
  }
}
