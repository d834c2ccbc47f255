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

  public init(
    kraftfile: Kraftfile, projectName: String, outputDirectory: String, targets: [Target],
    catalog: [LibraryManifest], commonIncludes: [String] = [], compiler: String? = nil,
    extraCFlags: [String] = [], appCFlags: [String] = [], appSources: [String]? = nil
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
  }
}

/// Turns a request into a `BuildPlan`: resolves each target's libraries and options, expands
/// source globs and conditions, and spells out every command. Reads the file system (to
/// expand globs) but changes nothing.
public struct BuildPlanner: Sendable {
  /// The kernel's base flags (docs/library-manifest.md, "Compilation").
  public static let baseCFlags = [
    "-ffreestanding", "-fno-builtin", "-nostdlib", "-fno-pic", "-fno-stack-protector",
    "-ffunction-sections", "-fdata-sections", "-O2", "-g",
  ]
  /// The C dialect of kernel libraries and ports; a library's own `cflags` may name another
  /// (musl's `-std=c99`), which wins because they come after it.
  public static let libraryDialect = "-std=c11"
  /// The application's dialect: what gcc and clang use when given none (GNU C17), so a
  /// program sees the libc's POSIX and BSD declarations (`strtok_r`, `clock_gettime`) exactly
  /// as with the host compiler. The project's own flags come after it and may change it.
  public static let appDialect = "-std=gnu17"

  public var fileSystem: FileSystem
  public var toolchains: @Sendable (Architecture) throws -> Toolchain
  /// Asked for the upstream tree of each port an image selects.
  public var portSources: PortSourceProvider

  public init(
    fileSystem: FileSystem, toolchains: @escaping @Sendable (Architecture) throws -> Toolchain,
    portSources: PortSourceProvider = UnavailablePortSources()
  ) {
    self.fileSystem = fileSystem
    self.toolchains = toolchains
    self.portSources = portSources
  }

  public func plan(_ request: BuildRequest) throws -> BuildPlan {
    let resolver = OptionResolver(catalog: request.catalog)
    var problems: [Diagnostic] = []
    var targets: [TargetBuildPlan] = []
    for target in request.targets {
      do {
        let resolution = try resolver.resolve(request.kraftfile, for: target)
        targets.append(try planTarget(target, resolution, request))
      } catch let diagnostics as Diagnostics {
        // Each target's problems once, even when several targets share them.
        for item in diagnostics.items where !problems.contains(item) { problems.append(item) }
      }
    }
    if !problems.isEmpty { throw Diagnostics(problems) }
    return BuildPlan(outputDirectory: request.outputDirectory, targets: targets)
  }

  private func planTarget(
    _ target: Target, _ resolution: OptionResolution, _ request: BuildRequest
  ) throws -> TargetBuildPlan {
    let toolchain = try toolchains(target.architecture)
    let directory = request.outputDirectory + "/" + TargetBuildPlan.key(target)
    let image = request.outputDirectory + "/" + ImageName.image(project: request.projectName, target: target)
    let libraries = try resolution.libraries.map { library in
      guard library.kind == .port else { return library }
      var port = library
      port.sourceRoot = try portSources.sourceRoot(
        for: library, component: request.kraftfile.libraries.first { $0.name == library.name })
      return port
    }

    var includes = request.commonIncludes
    var globalCFlags: [String] = []
    var ldflags: [String] = []
    var linkerScripts: [(String, String)] = []
    for library in libraries {
      includes += library.includes.filter { applies($0, target, resolution) }.map {
        path(of: $0, in: library)
      }
      globalCFlags += library.globalCflags
      ldflags += library.ldflags
      linkerScripts += library.linkerScripts.filter { applies($0, target, resolution) }
        .map { (library.name, path(of: $0, in: library)) }
    }
    guard linkerScripts.count == 1 else {
      let found = linkerScripts.map { "'\($0.1)' (\($0.0))" }.joined(separator: ", ")
      throw Diagnostics([
        Diagnostic(
          .error,
          linkerScripts.isEmpty
            ? "no linker script for target '\(target.shortForm)'; the platform library must list one under 'linker-scripts:'"
            : "several linker scripts apply to target '\(target.shortForm)': \(found); exactly one must")
      ])
    }

    let beforeIncludes =
      [toolchain.compiler] + toolchain.targetFlags(target.architecture) + Self.baseCFlags
      + toolchain.headerFlags + globalCFlags + ["-include", directory + "/include/config.h"]
    var compiles: [CompileStep] = []
    for library in libraries {
      let root = library.sourceRoot
      for entry in try sourceEntries(of: library) where applies(entry, target, resolution) {
        let base = entry.base == .manifest ? library.directory : root
        let matches = try fileSystem.glob(entry.path, in: base)
        if matches.isEmpty {
          throw Diagnostics([
            Diagnostic(
              .error, "library '\(library.name)': source '\(entry.path)' matches no file in '\(base)'",
              at: entry.location)
          ])
        }
        for relative in matches {
          compiles.append(
            compileStep(
              library: library.name, source: base + "/" + relative, relative: relative,
              leading: beforeIncludes, dialect: Self.libraryDialect,
              trailing: Self.ownCFlags(of: library, for: target.architecture)
                + includes.map { "-I" + $0 } + request.extraCFlags,
              directory: directory))
        }
      }
    }

    let optionValues = Dictionary(
      resolution.options.compactMap { resolved in
        resolved.value.map { (resolved.option.name, $0.description) }
      }, uniquingKeysWith: { first, _ in first })
    let appLibraries = try AppSources(
      directory: request.kraftfile.directory, explicit: request.appSources, fileSystem: fileSystem
    ).libraries(options: optionValues)
    for app in appLibraries {
      for source in app.sources {
        let relative =
          source.hasPrefix(request.kraftfile.directory + "/")
          ? String(source.dropFirst(request.kraftfile.directory.count + 1)) : source
        let own = source.hasSuffix(".S") ? app.asflags : app.cflags
        compiles.append(
          compileStep(
            library: app.name, source: source, relative: relative,
            leading: beforeIncludes, dialect: Self.appDialect,
            trailing: (includes + app.includes).map { "-I" + $0 } + own + request.appCFlags
              + request.extraCFlags,
            directory: directory))
      }
    }

    let objects = compiles.map(\.object)
    let map = image + ".map"
    let debugImage = image + ".dbg"
    let link = Step(
      inputs: objects + [linkerScripts[0].1], outputs: [debugImage, map],
      command: [toolchain.linker] + toolchain.linkerFlags(target.architecture) + [
        "-nostdlib", "-static", "--gc-sections", "--build-id=none", "-T", linkerScripts[0].1,
        "-Map=" + map, ExportCheck.linkerFlag, "-o", debugImage,
      ] + ldflags + objects + toolchain.runtimeLibraries,
      description: "LD \(ImageName.debugImage(project: request.projectName, target: target))")
    let format = ImageFormatRule.format(for: target, rules: libraries.flatMap(\.imageFormats))
    let strip = Step(
      inputs: [debugImage], outputs: [image],
      command: [toolchain.objcopy]
        + (format == .binary ? ["-O", "binary"] : ["--strip-all"]) + [debugImage, image],
      description: "STRIP \(ImageName.image(project: request.projectName, target: target))")
    return TargetBuildPlan(
      target: target, directory: directory, resolution: resolution, toolchain: toolchain,
      compiles: compiles, link: link, strip: strip, image: image, debugImage: debugImage,
      mapFile: map, reportFile: image + ".report")
  }

  /// `dialect` (C only; assembly gets `-D__ASSEMBLY__` there) goes between `leading` and
  /// `trailing`, so flags in `trailing` (the library's or project's own) can override it.
  private func compileStep(
    library: String, source: String, relative: String, leading: [String], dialect: String,
    trailing: [String], directory: String
  ) -> CompileStep {
    let isAssembly = source.hasSuffix(".S") || source.hasSuffix(".s")
    let object = directory + "/obj/" + library + "/" + relative + ".o"
    var command = leading
    command += isAssembly ? ["-D__ASSEMBLY__"] : [dialect]
    command += trailing
    command += ["-MMD", "-MF", object + ".d", "-c", source, "-o", object]
    return CompileStep(
      library: library, source: source, object: object, command: command,
      description: "\(isAssembly ? "AS" : "CC") \(library) \(relative)")
  }

  private func applies(_ file: LibraryFile, _ target: Target, _ resolution: OptionResolution)
    -> Bool
  {
    file.supports(target) && (file.condition.map(resolution.holds) ?? true)
  }

  private func path(of file: LibraryFile, in library: LibraryManifest) -> String {
    let base = file.base == .manifest ? library.directory : library.sourceRoot
    return file.path.hasPrefix("/") ? file.path : base + "/" + file.path
  }
}

extension BuildPlanner {
  /// The recipe's `sources`, then the paths of the port's generated source list (written by
  /// its `prepare:` step into the prepared tree), one per line.
  private func sourceEntries(of library: LibraryManifest) throws -> [LibraryFile] {
    guard let list = library.sourcesList else { return library.sources }
    let path = library.sourceRoot + "/" + list
    guard let text = try? fileSystem.readText(path) else {
      throw Diagnostics([
        Diagnostic(
          .error,
          "port '\(library.name)': its prepared tree has no source list '\(list)'; the "
            + "'prepare:' step must write it and list it under 'outputs'",
          at: library.location)
      ])
    }
    let listed = text.split(whereSeparator: \.isNewline)
      .map { LibraryFile(String($0), location: library.location) }
    return library.sources + listed
  }

  /// A library's own `cflags`, with `${upstream}` (a port's fetched tree; a library's folder)
  /// and `${port}` (the folder holding the manifest) expanded. They come before the exported
  /// include folders, so a port's private `-I${upstream}/...` headers win over public ones of
  /// the same name (musl's src/include wraps its include/). Entries for other architectures
  /// are left out.
  static func ownCFlags(of library: LibraryManifest, for architecture: Architecture) -> [String] {
    library.cflags.filter { $0.supports(architecture) }.map {
      $0.flag.replacing("${upstream}", with: library.sourceRoot)
        .replacing("${port}", with: library.directory)
    }
  }
}
