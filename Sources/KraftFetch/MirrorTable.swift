/// URL rewriting for air-gapped sites and proxies: each rule maps an upstream URL prefix to
/// another location (a folder of archives, a git server, an internal HTTP server). The first
/// matching rule wins; pins are checked exactly as without a mirror.
public struct MirrorTable: Hashable, Sendable {
  public struct Rule: Hashable, Sendable {
    public var prefix: String
    public var replacement: String

    public init(prefix: String, replacement: String) {
      self.prefix = prefix
      self.replacement = replacement
    }
  }

  public var rules: [Rule]

  public init(rules: [Rule] = []) { self.rules = rules }

  /// `KRAFT_MIRRORS`: `prefix=replacement` items separated by `;` or newlines. A plain
  /// absolute path as replacement means a local folder (`file://`).
  public static func parse(environmentValue: String) throws -> [Rule] {
    var rules: [Rule] = []
    for item in environmentValue.split(whereSeparator: { $0 == ";" || $0 == "\n" }) {
      let text = item.trimmingCharacters(in: .whitespaces)
      if text.isEmpty { continue }
      guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
        throw FetchError(
          .usage,
          "'KRAFT_MIRRORS' item '\(text)' is not 'prefix=replacement', e.g. "
            + "'https://musl.libc.org/releases/=file:///srv/mirror/musl/'")
      }
      let replacement = String(text[text.index(after: equals)...])
      rules.append(Rule(prefix: String(text[..<equals]), replacement: normalise(replacement)))
    }
    return rules
  }

  static func normalise(_ replacement: String) -> String {
    replacement.hasPrefix("/") ? "file://" + replacement : replacement
  }

  /// Where to fetch `url` from.
  public func resolve(_ url: String) -> String {
    for rule in rules where url.hasPrefix(rule.prefix) {
      return rule.replacement + url.dropFirst(rule.prefix.count)
    }
    return url
  }
}

extension String {
  fileprivate func trimmingCharacters(in set: Set<Character>) -> String {
    var slice = self[...]
    while let first = slice.first, set.contains(first) { slice = slice.dropFirst() }
    while let last = slice.last, set.contains(last) { slice = slice.dropLast() }
    return String(slice)
  }
}

extension Set where Element == Character {
  fileprivate static let whitespaces: Set<Character> = [" ", "\t", "\r"]
}
