/// How Unikraft reads the string form of a component (`unikraft:`, a library, `template:`):
/// a version or channel (`stable`, `0.17.0`), a local folder (`./lib-foo`, `/src/unikraft`),
/// or a URL: a git repository with an optional `?branch=`, `?tag=` or `@ref`, or a release
/// archive.
public enum ComponentReference {
  /// The archive suffixes kraft can unpack.
  public static let archiveSuffixes = [".tar.gz", ".tgz", ".tar.xz", ".tar.bz2", ".zip"]

  /// A component string: a version when it looks like neither a path nor a URL.
  public static func parse(_ text: String) -> (source: ComponentSource?, version: String?) {
    if isURL(text) || isPath(text) { return (source(text), nil) }
    return (nil, text)
  }

  /// The `source:` of a component's long form: a URL, otherwise a local folder.
  public static func source(_ text: String) -> ComponentSource {
    guard isURL(text) else { return .path(text) }
    let withoutQuery = text.split(separator: "?", maxSplits: 1).first.map(String.init) ?? text
    if archiveSuffixes.contains(where: { withoutQuery.hasSuffix($0) }) {
      return .archive(url: text)
    }
    return gitSource(text)
  }

  public static func isURL(_ text: String) -> Bool {
    text.contains("://") || text.hasPrefix("git@")
  }

  public static func isPath(_ text: String) -> Bool {
    text.hasPrefix("/") || text.hasPrefix("./") || text.hasPrefix("../") || text.hasPrefix("~/")
      || text == "." || text == ".." || text.contains("/")
  }

  /// `url?branch=x`, `url?tag=x`, `url@ref`. The `@` of a ref is looked for only after the
  /// last `/` (or the `:` of `git@host:repo`), so `git@github.com:org/repo` has no ref.
  private static func gitSource(_ text: String) -> ComponentSource {
    let parts = text.split(separator: "?", maxSplits: 1).map(String.init)
    var url = parts[0]
    if parts.count == 2 {
      for item in parts[1].split(separator: "&") {
        let pair = item.split(separator: "=", maxSplits: 1).map(String.init)
        guard pair.count == 2 else { continue }
        if pair[0] == "branch" { return .git(url: url, ref: .branch(pair[1])) }
        if pair[0] == "tag" { return .git(url: url, ref: .tag(pair[1])) }
      }
      return .git(url: text, ref: nil)
    }
    let tailStart = url.lastIndex(of: "/") ?? url.firstIndex(of: ":") ?? url.startIndex
    if let at = url[tailStart...].lastIndex(of: "@") {
      let ref = String(url[url.index(after: at)...])
      url = String(url[..<at])
      return .git(url: url, ref: ref.isEmpty ? nil : .ref(ref))
    }
    return .git(url: url, ref: nil)
  }
}
