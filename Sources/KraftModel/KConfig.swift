/// One `CONFIG_X=value` setting written in a Kraftfile (top level, `unikraft`, a library or a
/// target). Values stay as written (`y`, `n`, `42`, `"text"`); the build layer types them
/// against the options that libraries declare.
public struct KConfigAssignment: Hashable, Sendable, Codable {
  public var name: String
  public var value: String
  /// Where it was written, so a bad value can be reported at its line.
  public var location: SourceLocation?

  public init(name: String, value: String, location: SourceLocation? = nil) {
    self.name = name
    self.value = value
    self.location = location
  }
}
