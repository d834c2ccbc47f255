import KraftBasics
import KraftModel

/// The plan step: turns a request (resolved targets, the catalog, and the prepared tree of
/// every port) into a `BuildPlan`, spelling out every command. It fetches nothing and changes
/// nothing; it reads the file system only to expand source globs and a prepared port's source
/// list, and to see which options the files a compile can reach mention (`PortOptionFlags`,
/// `SharedObjects`; a `mentionMemo` may remember a port tree's between plans), so
/// it plans just as well over an `InMemoryFileSystem`.
public struct BuildPlanner: Sendable {
  /// The kernel's base flags (docs/library-manifest.md, "Compilation").
  public static let baseCFlags =
    freestandingCFlags + [
      "-nostdlib", "-fno-pic", "-fno-stack-protector", "-ffunction-sections", "-fdata-sections",
      "-O2", "-g",
    ]
  /// The base flags a `hosted: true` library goes without: they forbid the compiler to assume
  /// what `memcpy`, `strlen` or `sqrt` do, which code implementing them needs and code above a
  /// libc (CPython) pays for in calls it could inline.
  public static let freestandingCFlags = ["-ffreestanding", "-fno-builtin"]
  /// The C dialect of kernel libraries and ports; a library's own `cflags` may name another
  /// (musl's `-std=c99`), which wins because they come after it.
  public static let libraryDialect = "-std=c11"
  /// The application's dialect: what gcc and clang use when given none (GNU C17), so a
  /// program sees the libc's POSIX and BSD declarations (`strtok_r`, `clock_gettime`) exactly
  /// as with the host compiler. The project's own flags come after it and may change it.
  public static let appDialect = "-std=gnu17"

  public var fileSystem: FileSystem
  public var toolchains: @Sendable (Architecture) throws -> Toolchain
  /// Where the option names of ports' trees are remembered (`PortOptionFlags`); nil reads
  /// each tree on every plan.
  public var mentionMemo: TreeMentionMemo?
  /// Where the option names of other places (the kernel's folders, the compiler's headers)
  /// are remembered; nil reads them on every plan.
  public var placeMentionMemo: PlaceMentionMemo?

  public init(
    fileSystem: FileSystem, toolchains: @escaping @Sendable (Architecture) throws -> Toolchain,
    mentionMemo: TreeMentionMemo? = nil, placeMentionMemo: PlaceMentionMemo? = nil
  ) {
    self.fileSystem = fileSystem
    self.toolchains = toolchains
    self.mentionMemo = mentionMemo
    self.placeMentionMemo = placeMentionMemo
  }

  /// Resolves each target of `request`, then plans it.
  public func plan(_ request: BuildRequest) throws -> BuildPlan {
    let resolver = OptionResolver(catalog: request.catalog)
    let targets = try Diagnostics.collecting(request.targets) { target in
      try planTarget(
        ResolvedTarget(target: target, resolution: try resolver.resolve(request.kraftfile, for: target)),
        request)
    }
    return try finish(BuildPlan(outputDirectory: request.outputDirectory, targets: targets), request)
  }

  /// Plans targets already resolved (`request.targets` is not consulted).
  public func plan(_ request: BuildRequest, resolved: [ResolvedTarget]) throws -> BuildPlan {
    let targets = try Diagnostics.collecting(resolved) { try planTarget($0, request) }
    return try finish(BuildPlan(outputDirectory: request.outputDirectory, targets: targets), request)
  }

  /// The passes over the whole plan: ports' unread option flags out, then what targets share.
  private func finish(_ plan: BuildPlan, _ request: BuildRequest) throws -> BuildPlan {
    let ported = try PortOptionFlags(
      fileSystem: fileSystem, memo: mentionMemo, placeMemo: placeMentionMemo
    ).apply(
      to: plan, sourceRoots: request.sourceRoots)
    return try SharedObjects(fileSystem: fileSystem).apply(to: ported)
  }

  /// One image: its libraries on their trees, what they export to every compilation, the
  /// compilations (libraries, then the application), the link and the strip.
  private func planTarget(_ resolved: ResolvedTarget, _ request: BuildRequest) throws
    -> TargetBuildPlan
  {
    let target = resolved.target
    let toolchain = try toolchains(target.architecture)
    let directory = request.outputDirectory + "/" + TargetBuildPlan.key(target)
    let (optimised, ltoWarnings) = Self.linkTimeOptimised(
      try Self.placing(resolved.resolution.libraries, on: request.sourceRoots), by: toolchain)
    let (libraries, profileWarnings) = Self.sampleProfiled(optimised, by: toolchain)
    var exports = try LibraryExports(libraries, resolved: resolved, commonIncludes: request.commonIncludes)
    exports.includes = try IncludeOrder(fileSystem: fileSystem).canonical(exports.includes)
    let leading =
      [toolchain.compiler] + toolchain.targetFlags(target.architecture) + Self.baseCFlags
      + toolchain.headerFlags + exports.globalCFlags + ConfigHeader.flags(resolved.resolution)
    let compiles =
      try libraryCompiles(libraries, resolved, exports, leading: leading, request, directory: directory)
      + appCompiles(libraries, resolved, exports, leading: leading, request, directory: directory)
    try Self.checkLTOSources(libraries, compiles: compiles, directory: directory)
    let image = request.outputDirectory + "/" + ImageName.image(project: request.projectName, target: target)
    let lazy = Self.lazyObjects(compiles, libraries: libraries, toolchain: toolchain)
    let (link, strip) = Self.linkAndStrip(
      objects: compiles.map(\.object), lazyObjects: lazy, exports: exports, libraries: libraries,
      target: target, toolchain: toolchain, image: image, projectName: request.projectName)
    var resolution = resolved.resolution
    resolution.warnings += ltoWarnings + profileWarnings
    return TargetBuildPlan(
      target: target, directory: directory, resolution: resolution, toolchain: toolchain,
      compiles: compiles, link: link, strip: strip, image: image, debugImage: image + ".dbg",
      mapFile: image + ".map", reportFile: image + ".report",
      rootfsLayers: Self.rootfsLayers(of: libraries, for: resolved), lazyObjects: lazy)
  }

  /// The selected libraries, each port with its prepared tree as its source root.
  static func placing(_ libraries: [LibraryManifest], on sourceRoots: [String: String]) throws
    -> [LibraryManifest]
  {
    try libraries.map { library in
      guard library.kind == .port else { return library }
      guard let root = sourceRoots[library.name] else {
        // The fetch step runs before planning; the planner never fetches.
        throw PortSourcesUnavailable(
          message: "port '\(library.name)' was not fetched before planning; run 'kraft fetch' first")
      }
      var port = library
      port.sourceRoot = root
      return port
    }
  }
}
