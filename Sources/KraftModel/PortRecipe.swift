/// A port recipe (`Ports/<name>/port.yaml`) as far as fetching is concerned: its name, its
/// upstream versions and pins, and its patches. The build keys it shares with library
/// manifests are read by the library-manifest parser.
public struct PortRecipe: Hashable, Sendable, Codable {
  public var name: String
  /// The folder holding `port.yaml` (absolute); patches live in `patches/` under it.
  public var directory: String
  public var upstream: Upstream
  /// Host commands generating upstream's configuration files (`prepare:`), if any.
  public var prepare: PrepareStep?

  public init(name: String, directory: String, upstream: Upstream, prepare: PrepareStep? = nil) {
    self.name = name
    self.directory = directory
    self.upstream = upstream
    self.prepare = prepare
  }
}
