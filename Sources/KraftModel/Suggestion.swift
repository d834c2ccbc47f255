/// "Did you mean ...?" for every unknown name kraft reports: keys, architectures, platforms,
/// options. Shared so that all messages suggest the same way.
public enum Suggestion {
  /// The candidate closest to `word` by edit distance, when it is close enough to be a
  /// plausible typo (at most a third of the word's length, and at least one edit allowed).
  /// Case is ignored when measuring, so `X86_64` still finds `x86_64`.
  public static func closest(to word: String, in candidates: some Sequence<String>) -> String? {
    let limit = max(1, (word.count + 2) / 3)
    // Nobody mistypes a name this long; measuring it against every candidate is quadratic in
    // its length, which a hostile file could make take minutes.
    guard word.count <= maxWordLength else { return nil }
    var best: (candidate: String, distance: Int)?
    for candidate in candidates where candidate != word {
      // The distance is at least the difference in length: skip without measuring.
      guard abs(candidate.count - word.count) <= limit else { continue }
      let distance = editDistance(word.lowercased(), candidate.lowercased())
      guard distance <= limit else { continue }
      if best == nil || distance < best!.distance { best = (candidate, distance) }
    }
    return best?.candidate
  }

  /// Words longer than this get no suggestion.
  public static let maxWordLength = 64

  /// `"; did you mean 'x86_64'?"` when a close candidate exists, otherwise the list of valid
  /// values (`"; expected one of 'a', 'b'"`) when it is short enough to read, otherwise "".
  public static func hint(for word: String, in candidates: [String], listUpTo: Int = 8) -> String {
    if let match = closest(to: word, in: candidates) { return "; did you mean '\(match)'?" }
    guard !candidates.isEmpty, candidates.count <= listUpTo else { return "" }
    return "; expected one of " + candidates.map { "'\($0)'" }.joined(separator: ", ")
  }

  /// Levenshtein distance (insertions, deletions, substitutions), on characters.
  public static func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    // Two rows are enough: each cell needs only the row above and the cell to its left.
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
      current[0] = i
      for j in 1...b.count {
        let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
        current[j] = min(substitution, previous[j] + 1, current[j - 1] + 1)
      }
      swap(&previous, &current)
    }
    return previous[b.count]
  }
}
