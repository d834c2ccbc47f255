/// Shell-style path patterns, as library manifests write their sources: `*` and `?` match
/// within one path component, `[abc]` a set of characters, and `**` any number of folders.
public struct GlobPattern: Hashable, Sendable {
  public let pattern: String

  public init(_ pattern: String) { self.pattern = pattern }

  public func matches(_ path: String) -> Bool {
    Self.match(
      pattern.split(separator: "/", omittingEmptySubsequences: false).map(String.init)[...],
      path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)[...])
  }

  private static func match(_ pattern: ArraySlice<String>, _ path: ArraySlice<String>) -> Bool {
    guard let head = pattern.first else { return path.isEmpty }
    if head == "**" {
      // Zero or more whole components.
      var rest = path
      while true {
        if match(pattern.dropFirst(), rest) { return true }
        if rest.isEmpty { return false }
        rest = rest.dropFirst()
      }
    }
    guard let component = path.first, matchComponent(Array(head)[...], Array(component)[...])
    else { return false }
    return match(pattern.dropFirst(), path.dropFirst())
  }

  private static func matchComponent(_ pattern: ArraySlice<Character>, _ name: ArraySlice<Character>)
    -> Bool
  {
    guard let head = pattern.first else { return name.isEmpty }
    switch head {
    case "*":
      var rest = name
      while true {
        if matchComponent(pattern.dropFirst(), rest) { return true }
        if rest.isEmpty { return false }
        rest = rest.dropFirst()
      }
    case "?":
      return !name.isEmpty && matchComponent(pattern.dropFirst(), name.dropFirst())
    case "[":
      guard let close = pattern.firstIndex(of: "]"), let character = name.first else {
        return false
      }
      let set = pattern[pattern.index(after: pattern.startIndex)..<close]
      return set.contains(character) && matchComponent(pattern[(close + 1)...], name.dropFirst())
    default:
      return name.first == head && matchComponent(pattern.dropFirst(), name.dropFirst())
    }
  }
}
