import KraftBasics
import KraftModel

/// The compilations of an image: each library's sources (expanded globs, conditions, a
/// prepared port's generated list), then the application's.
extension BuildPlanner {
  func libraryCompiles(
    _ libraries: [LibraryManifest], _ resolved: ResolvedTarget, _ exports: LibraryExports,
    leading: [String], _ request: BuildRequest, directory: String
  ) throws -> [CompileStep] {
    try libraries.flatMap { library in
      try compiles(
        of: try sourceEntries(of: library), in: library, resolved, exports, leading: leading,
        request, directory: directory)
    }
  }

  /// `entries` of `library` (its sources, or its program's), with the library's own flags;
  /// a hosted library's without the freestanding ones, a link-time optimised one's as bitcode.
  private func compiles(
    of entries: [LibraryFile], in library: LibraryManifest, _ resolved: ResolvedTarget,
    _ exports: LibraryExports, leading: [String], _ request: BuildRequest, directory: String
  ) throws -> [CompileStep] {
    var compiles: [CompileStep] = []
    let leading = library.hosted ? leading.filter { !Self.freestandingCFlags.contains($0) } : leading
    let bitcode = library.lto.map { leading + [$0.compileFlag] }
    let included =
      library.kind == .port
      ? exports.includes(forPort: library, in: resolved.resolution.libraries) : exports.includes
    // The same for every file of the library (musl has 1,342): worked out once.
    // The profile goes before the library's own flags, so a recipe can still tune it
    // (`-fno-profile-sample-accurate`, ...).
    let profile = Self.sampleProfilePath(of: library, resolved)
    let trailing =
      (profile.map { [Self.sampleProfileFlag($0)] } ?? [])
      + Self.ownCFlags(of: library, for: resolved.target.architecture)
      + included.map { "-I" + $0 } + request.extraCFlags
    for entry in entries where resolved.applies(entry) {
      let base = entry.base == .manifest ? library.directory : library.sourceRoot
      let matches = try fileSystem.glob(entry.path, in: base)
      if matches.isEmpty {
        throw Diagnostics([
          Diagnostic(
            .error, "library '\(library.name)': source '\(entry.path)' matches no file in '\(base)'",
            at: entry.location)
        ])
      }
      for relative in matches {
        var step = Self.compileStep(
          library: library.name, source: base + "/" + relative, relative: relative,
          leading: bitcode.map { Self.ltoCovers(library, relative) ? $0 : leading } ?? leading,
          dialect: Self.libraryDialect, trailing: trailing,
          directory: directory)
        // clang's depfile does not name the profile: a changed profile must recompile.
        step.implicitInputs = profile.map { [$0] } ?? []
        compiles.append(step)
      }
    }
    return compiles
  }

  /// The application's sources (`AppSources`: the Kraftfile's list, else the project's C
  /// files), with the dialect and flags of the application, not of the kernel. A project with
  /// none of its own runs the program of the one library that declares one (`program:`).
  func appCompiles(
    _ libraries: [LibraryManifest], _ resolved: ResolvedTarget, _ exports: LibraryExports,
    leading: [String], _ request: BuildRequest, directory: String
  ) throws -> [CompileStep] {
    let optionValues = Dictionary(
      resolved.resolution.options.compactMap { option in
        option.value.map { (option.option.name, $0.description) }
      }, uniquingKeysWith: { first, _ in first })
    let project = request.kraftfile.directory
    let appSources = AppSources(
      directory: project, explicit: request.appSources, fileSystem: fileSystem)
    if !appSources.hasOwnSources,
      let owner = try Self.programLibrary(libraries.filter { !$0.program.isEmpty })
    {
      return try compiles(
        of: owner.program, in: owner, resolved, exports, leading: leading, request,
        directory: directory)
    }
    let appLibraries = try appSources.libraries(options: optionValues)
    return appLibraries.flatMap { app in
      app.sources.map { source in
        let relative =
          source.hasPrefix(project + "/") ? String(source.dropFirst(project.count + 1)) : source
        let own = source.hasSuffix(".S") ? app.asflags : app.cflags
        return Self.compileStep(
          library: app.name, source: source, relative: relative,
          leading: leading, dialect: Self.appDialect,
          trailing: (exports.includes + app.includes).map { "-I" + $0 } + own + request.appCFlags
            + request.extraCFlags,
          directory: directory)
      }
    }
  }

  /// The one library whose program is the image's; two would be two `main`s.
  static func programLibrary(_ candidates: [LibraryManifest]) throws -> LibraryManifest? {
    guard candidates.count > 1 else { return candidates.first }
    let names = candidates.map { "'\($0.name)'" }.joined(separator: " and ")
    throw Diagnostics([
      Diagnostic(
        .error,
        "\(names) each declare a program and the project has no sources of its own to choose; "
          + "keep one of them in 'libraries:', or add the project's own 'main.c'")
    ])
  }

  /// `dialect` (C only; assembly gets `-D__ASSEMBLY__` there) goes between `leading` and
  /// `trailing`, so flags in `trailing` (the library's or project's own) can override it.
  static func compileStep(
    library: String, source: String, relative: String, leading: [String], dialect: String,
    trailing: [String], directory: String
  ) -> CompileStep {
    let isAssembly = source.hasSuffix(".S") || source.hasSuffix(".s")
    let object = ObjectLayout.object(in: directory, library: library, relative: relative)
    var command = leading
    command += isAssembly ? ["-D__ASSEMBLY__"] : [dialect]
    command += trailing
    command += ["-MMD", "-MF", object + ".d", "-c", source, "-o", object]
    return CompileStep(
      library: library, source: source, object: object, command: command,
      description: "\(isAssembly ? "AS" : "CC") \(library) \(relative)")
  }

  /// The recipe's `sources`, then the paths of the port's generated source list (written by
  /// its `prepare:` step into the prepared tree), one per line.
  func sourceEntries(of library: LibraryManifest) throws -> [LibraryFile] {
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
