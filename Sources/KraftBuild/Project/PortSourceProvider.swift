import KraftFetch
import KraftModel

/// The fetch step of the pipeline as the build sees it: hands over a port's upstream tree,
/// fetched, verified against its pins and patched. `LockedPortSources` implements it over
/// the project's `Kraftfile.lock`; the build asks only for ports that an image selects, and
/// only before planning (the planner itself is given the trees).
public protocol PortSourceProvider: Sendable {
  /// The prepared tree of `port`, for the version `component` asks for (the Kraftfile's
  /// `libraries:` entry; nil when the port was pulled in by a requirement, meaning its
  /// default version).
  func prepare(port: LibraryManifest, component: Component?) throws -> PreparedSource
  /// The folder holding the fetched tree of a kernel that `unikraft:` names by a git or
  /// archive `source:` (a local folder is used in place and never comes here).
  func kernelSourceRoot(for unikraft: Component) throws -> String
}

extension PortSourceProvider {
  public func kernelSourceRoot(for unikraft: Component) throws -> String {
    throw PortSourcesUnavailable(
      message:
        "'unikraft:' names a remote source, and this command was started without a way to fetch it; run 'kraft fetch' or 'kraft build'"
    )
  }
}

/// Used when no fetch layer is wired in: any port is an error that says so.
public struct UnavailablePortSources: PortSourceProvider {
  public init() {}

  public func prepare(port: LibraryManifest, component: Component?) throws -> PreparedSource {
    throw PortSourcesUnavailable(
      message:
        "port '\(port.name)' needs its upstream sources, and this build was started without a way to fetch them"
    )
  }
}

public struct PortSourcesUnavailable: KraftError {
  public var kind: ErrorKind { .fetchFailed }
  public var message: String
}
