import Foundation

/// Cache entries (`trees/`, `patched/`) are checked on every use against the stamp written
/// when they were verified (`verified/<folder>-<name>`, outside the entry so the tree stays
/// exactly what was hashed). A changed entry is re-hashed; one whose hash no longer matches
/// is reported as damaged, and the fetcher removes it and builds it again from its verified
/// archive or repository.
extension SourceCache {
  public enum EntryCheck: Equatable, Sendable {
    case intact
    case missing
    /// The entry exists but is not what was verified; the text says what changed.
    case damaged(String)
  }

  func stampPath(entry: String) -> String {
    let relative = entry.hasPrefix(root + "/") ? String(entry.dropFirst(root.count + 1)) : entry
    return root + "/verified/" + relative.replacingOccurrences(of: "/", with: "-")
  }

  /// Records `entry` as verified with `treeHash`, as it is on disk now.
  func markVerified(entry: String, treeHash: String) throws {
    let stamp = try VerifiedStamp.take(entry, treeHash: treeHash)
    let path = stampPath(entry: entry)
    try makeFolder(root + "/verified")
    let temporary = path + ".tmp.\(getpid())"
    try stamp.text.write(toFile: temporary, atomically: false, encoding: .utf8)
    guard rename(temporary, path) == 0 else {
      unlink(temporary)
      throw FetchError.failed("cannot write '\(path)': \(String(cString: strerror(errno)))")
    }
  }

  /// Whether `entry` is still what was verified. `expected` is the hash it must have (a
  /// tree's name); nil takes the stamp's word (a patched tree). `rehash` hashes every file
  /// even when sizes and times are unchanged (`kraft fetch --verify`).
  public func check(entry: String, expected: String?, rehash: Bool) -> EntryCheck {
    guard exists(entry) else { return .missing }
    let stamp = VerifiedStamp(contentsOf: stampPath(entry: entry))
    guard let want = expected ?? stamp?.treeHash else {
      return .damaged("it has no record of being verified")
    }
    guard let listing = try? VerifiedStamp.listing(of: entry, fileSystem: fileSystem) else {
      return .damaged("it cannot be read")
    }
    if let stamp, stamp.treeHash == want, stamp.listing == listing, !rehash { return .intact }
    guard let actual = try? TreeHash.compute(directory: entry) else {
      return .damaged("it cannot be read")
    }
    guard actual == want else {
      let change = stamp.map { VerifiedStamp.firstDifference(was: $0.listing, now: listing) }
      return .damaged((change.map { $0 + ", so " } ?? "") + "its files hash to \(actual), not \(want)")
    }
    // Same content, new times (copied, or touched): record what is there now.
    try? markVerified(entry: entry, treeHash: actual)
    return .intact
  }

  /// The tree hash an entry's stamp records (check the entry first).
  func verifiedHash(entry: String) -> String? {
    VerifiedStamp(contentsOf: stampPath(entry: entry))?.treeHash
  }

  /// Removes an entry and its stamp.
  func discard(entry: String) throws {
    unlink(stampPath(entry: entry))
    try Self.removeTree(entry)
  }

  /// The entry's path relative to the cache root, for messages.
  func describe(entry: String) -> String {
    entry.hasPrefix(root + "/") ? String(entry.dropFirst(root.count + 1)) : entry
  }
}
