import Foundation
import KraftBasics
import KraftFetch
import KraftManifest
import KraftModel

/// The build's `PortSourceProvider`: turns a port (its recipe and the Kraftfile's entry) or a
/// fetched kernel into a `SourceRequest` and prepares it under the project's lock policy
/// (`LockedSources`, in the fetch layer).
public struct LockedPortSources: PortSourceProvider {
  public let lock: LockedSources
  private let fileSystem: FileSystem

  public init(lock: LockedSources, fileSystem: FileSystem = LocalFileSystem()) {
    self.lock = lock
    self.fileSystem = fileSystem
  }

  /// What a command line asks for: the user's cache and mirrors, the project's lock.
  /// `release`: a release takes an existing lock strictly (without ports it needs none, which
  /// `ReleaseBuild` checks).
  public static func commandLine(
    kraftfile: Kraftfile, offline: Bool, locked: Bool, release: Bool = false,
    refresh: Set<String>? = nil, verifyEverything: Bool = false,
    environment: [String: String] = ProcessInfo.processInfo.environment,
    fileSystem: FileSystem = LocalFileSystem()
  ) throws -> LockedPortSources {
    let fetcher = try SourceFetcher.commandLine(offline: offline, environment: environment)
    fetcher.verifyEverything = verifyEverything
    let strict =
      locked || (release && fileSystem.exists(kraftfile.directory + "/" + LockfileCodec.fileName))
    return LockedPortSources(
      lock: try LockedSources(
        fetcher: fetcher, kraftfileDirectory: kraftfile.directory, locked: strict, refresh: refresh,
        fileSystem: fileSystem),
      fileSystem: fileSystem)
  }

  public func prepare(port: LibraryManifest, component: Component?) throws -> PreparedSource {
    if let done = lock.prepared[port.name] { return done }
    let recipePath = port.directory + "/port.yaml"
    let text = try fileSystem.readText(recipePath)
    let recipe = try PortRecipeParser.parse(text, file: recipePath, directory: port.directory)
    return try lock.prepare(try Self.request(for: recipe, component: component))
  }

  /// The kernel a Kraftfile's `unikraft:` fetches from git or an archive, locked under the
  /// name `unikraft` like any port.
  public func kernelSourceRoot(for unikraft: Component) throws -> String {
    let name = "unikraft"
    if let done = lock.prepared[name] { return done.directory }
    guard
      let source = unikraft.source,
      let request = SourceRequest.explicit(name: name, source: source, version: unikraft.version)
    else {
      throw FetchError(.internal, "'unikraft:' has no remote source to fetch (a bug in kraft)")
    }
    return try lock.prepare(request).directory
  }

  /// A port as the Kraftfile asks for it: its recipe's pinned version, or (explicitly) a
  /// git branch, tag or archive of the user's choosing, which the lockfile then pins.
  public static func request(for recipe: PortRecipe, component: Component?) throws -> SourceRequest {
    if let source = component?.source,
      let explicit = SourceRequest.explicit(
        name: recipe.name, source: source, version: component?.version,
        patches: try PatchSet.load(portDirectory: recipe.directory))
    {
      var request = explicit
      // Another tree of the same port needs the same generated files; no pin (the lock pins it).
      request.prepare = recipe.prepare
      return request
    }
    // Checked here too (not only by `kraft validate`) so that the error points at the
    // Kraftfile line that names the version.
    if let component, let problem = PortCatalog.versionProblem(component, recipe: recipe) {
      throw Diagnostics([problem])
    }
    return try SourceRequest.port(recipe, version: component?.version)
  }
}
