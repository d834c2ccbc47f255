/// A reference to an image in a registry: `host[:port]/repository[:tag][@sha256:<hex>]`.
///
/// The registry host is always explicit or comes from a configured default
/// (`KRAFT_DEFAULT_REGISTRY`): kraft never guesses a public registry. The first path component
/// counts as a host when it has a `.` or a `:` or is `localhost`, as docker decides it.
public struct OCIReference: Hashable, Sendable, CustomStringConvertible {
  /// `host` or `host:port`.
  public var registry: String
  /// `name/space/image`: lower-case components separated by `/`.
  public var repository: String
  public var tag: String?
  public var digest: OCIDigest?

  public init(registry: String, repository: String, tag: String? = nil, digest: OCIDigest? = nil) {
    self.registry = registry
    self.repository = repository
    self.tag = tag
    self.digest = digest
  }

  public struct ParseError: Error, Equatable, CustomStringConvertible {
    public var description: String
  }

  /// Parses `text`; `defaultRegistry` is used when the reference names no host. Without a tag
  /// or digest the tag is `latest`.
  public init(parsing text: String, defaultRegistry: String? = nil) throws {
    var rest = Substring(text)
    var digest: OCIDigest?
    if let at = rest.firstIndex(of: "@") {
      let digestText = String(rest[rest.index(after: at)...])
      guard let parsed = OCIDigest(parsing: digestText) else {
        throw ParseError(
          description: "'\(text)': '\(digestText)' is not a digest; write 'sha256:' and 64 "
            + "lower-case hex digits")
      }
      digest = parsed
      rest = rest[..<at]
    }
    var components = rest.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    let registry: String
    if components.count > 1, Self.looksLikeHost(components[0]) {
      registry = components.removeFirst()
    } else if let defaultRegistry, !defaultRegistry.isEmpty {
      registry = defaultRegistry
    } else {
      throw ParseError(
        description: "'\(text)' names no registry; write it as 'HOST[:PORT]/NAME[:TAG]' (for "
          + "example 'localhost:5000/hello:1.0') or set 'KRAFT_DEFAULT_REGISTRY'")
    }
    var tag: String?
    if let last = components.last, let colon = last.lastIndex(of: ":") {
      tag = String(last[last.index(after: colon)...])
      components[components.count - 1] = String(last[..<colon])
      guard let tag, Self.isValidTag(tag) else {
        throw ParseError(
          description: "'\(text)': the tag '\(tag ?? "")' is not valid; use up to 128 letters, "
            + "digits, '_', '.' and '-', not starting with '.' or '-'")
      }
    }
    guard !components.isEmpty, components.allSatisfy(Self.isValidComponent) else {
      throw ParseError(
        description: "'\(text)': the repository '\(components.joined(separator: "/"))' is not "
          + "valid; use lower-case letters and digits separated by '.', '_', '__' or '-', and "
          + "'/' between components")
    }
    self.init(
      registry: registry, repository: components.joined(separator: "/"),
      tag: tag ?? (digest == nil ? "latest" : nil), digest: digest)
  }

  /// What a registry's `/manifests/<reference>` takes: the digest when pinned, else the tag.
  public var manifestReference: String { digest?.description ?? tag ?? "latest" }

  /// The host without the port: what decides loopback and what credentials are keyed by.
  public var host: String {
    if registry.hasPrefix("["), let close = registry.firstIndex(of: "]") {
      return String(registry[registry.index(after: registry.startIndex)..<close])
    }
    return registry.split(separator: ":").first.map(String.init) ?? registry
  }

  public var description: String {
    var text = registry + "/" + repository
    if let tag { text += ":" + tag }
    if let digest { text += "@" + digest.description }
    return text
  }

  static func looksLikeHost(_ component: String) -> Bool {
    component == "localhost" || component.contains(".") || component.contains(":")
      || component.hasPrefix("[")
  }

  static func isValidTag(_ tag: String) -> Bool {
    guard let first = tag.utf8.first, tag.utf8.count <= 128, first != UInt8(ascii: "."),
      first != UInt8(ascii: "-")
    else { return false }
    return tag.utf8.allSatisfy { isLowerAlphanumeric($0) || isUpper($0) || "_.-".utf8.contains($0) }
  }

  /// `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*`, the distribution spec's path component.
  static func isValidComponent(_ component: String) -> Bool {
    let bytes = Array(component.utf8)
    guard let first = bytes.first, let last = bytes.last, isLowerAlphanumeric(first),
      isLowerAlphanumeric(last)
    else { return false }
    var index = 0
    while index < bytes.count {
      if isLowerAlphanumeric(bytes[index]) {
        index += 1
        continue
      }
      var end = index
      while end < bytes.count, !isLowerAlphanumeric(bytes[end]) { end += 1 }
      let separator = String(decoding: bytes[index..<end], as: UTF8.self)
      let isDashes = separator.utf8.allSatisfy { $0 == UInt8(ascii: "-") }
      guard separator == "." || separator == "_" || separator == "__" || isDashes else {
        return false
      }
      index = end
    }
    return true
  }

  private static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
    (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x7a)
  }

  private static func isUpper(_ byte: UInt8) -> Bool { byte >= 0x41 && byte <= 0x5a }
}
