import KraftBasics
import KraftModel

/// What a build needs to know besides the Kraftfile.
public struct BuildRequest: Sendable {
  public var kraftfile: Kraftfile
  /// The image base name: the Kraftfile's `name`, else its folder's name.
  public var projectName: String
  public var outputDirectory: String
  public var targets: [Target]
  /// Every known library (kernel and ports, ports with their source roots set).
  public var catalog: [LibraryManifest]
  /// Include folders every compilation gets (the kernel's shared `Kernel/include`).
  public var commonIncludes: [String]
  /// A compiler family or name (`clang`, `gcc`, `clang-16`); nil: clang.
  public var compiler: String?
  /// Added to every compilation, last (so they win): `--cflags`.
  public var extraCFlags: [String]
  /// Added to the application's own compilations only, after its dialect (`x-build: cflags`):
  /// a project's `-D_GNU_SOURCE` or `-std=c99` must not change how musl or the kernel build.
  public var appCFlags: [String]
  /// Application sources when the Kraftfile lists them (globs, relative to its folder).
  public var appSources: [String]?
  /// The prepared upstream tree of each port an image selects, by port name: the fetch
  /// step's output. The planner fetches nothing; a selected port missing here is an error.
  public var sourceRoots: [String: String]

  public init(
    kraftfile: Kraftfile, projectName: String, outputDirectory: String, targets: [Target],
    catalog: [LibraryManifest], commonIncludes: [String] = [], compiler: String? = nil,
    extraCFlags: [String] = [], appCFlags: [String] = [], appSources: [String]? = nil,
    sourceRoots: [String: String] = [:]
  ) {
    self.kraftfile = kraftfile
    self.projectName = projectName
    self.outputDirectory = outputDirectory
    self.targets = targets
    self.catalog = catalog
    self.commonIncludes = commonIncludes
    self.compiler = compiler
    self.extraCFlags = extraCFlags
    self.appCFlags = appCFlags
    self.appSources = appSources
    self.sourceRoots = sourceRoots
  }
}
