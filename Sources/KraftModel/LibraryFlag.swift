/// One of a library's own compiler flags (`cflags:`), with the architectures it applies to.
/// A port's private include folder can be per architecture (musl's `-I${upstream}/arch/x86_64`
/// must not reach an arm64 build), so an entry may be `{flag: ..., architectures: [...]}`;
/// a plain string applies everywhere, which is why a string literal makes one.
public struct LibraryFlag: Hashable, Sendable, Codable, ExpressibleByStringLiteral {
  public var flag: String
  /// nil: every architecture.
  public var architectures: [Architecture]?

  public init(_ flag: String, architectures: [Architecture]? = nil) {
    self.flag = flag
    self.architectures = architectures
  }

  public init(stringLiteral value: String) {
    self.init(value)
  }

  /// Whether the flag applies when compiling for `architecture`.
  public func supports(_ architecture: Architecture) -> Bool {
    architectures?.contains(architecture) ?? true
  }
}
