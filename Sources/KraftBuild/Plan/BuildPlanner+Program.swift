import KraftBasics
import KraftModel

/// A port that is a program (`program:`, CPython's interpreter) and the files it adds to the
/// image's root file system (`rootfs:`, CPython's standard library).
extension BuildPlanner {
  /// The sources of the one selected library that declares `program:`, compiled with that
  /// library's flags, when the project has no C sources of its own; nil otherwise (the
  /// project's application is the program, or no library offers one).
  func programCompiles(
    _ libraries: [LibraryManifest], _ resolved: ResolvedTarget, _ exports: LibraryExports,
    leading: [String], _ request: BuildRequest, directory: String
  ) throws -> [CompileStep]? {
    let programs = libraries.filter { !$0.program.isEmpty }
    guard !programs.isEmpty, !hasOwnSources(request) else { return nil }
    guard programs.count == 1, let library = programs.first else {
      throw Diagnostics([
        Diagnostic(
          .error,
          "the project has no C sources and several libraries offer a program ("
            + programs.map { "'\($0.name)'" }.joined(separator: ", ")
            + "); keep one of them, or add the application's own 'main.c'")
      ])
    }
    var compiles: [CompileStep] = []
    for entry in library.program where resolved.applies(entry) {
      let base = entry.base == .manifest ? library.directory : library.sourceRoot
      let matches = try fileSystem.glob(entry.path, in: base)
      guard !matches.isEmpty else {
        throw Diagnostics([
          Diagnostic(
            .error,
            "library '\(library.name)': program source '\(entry.path)' matches no file in '\(base)'",
            at: entry.location)
        ])
      }
      compiles += matches.map { relative in
        Self.compileStep(
          library: library.name, source: base + "/" + relative, relative: relative,
          leading: leading, dialect: Self.libraryDialect,
          trailing: Self.ownCFlags(of: library, for: resolved.target.architecture)
            + exports.includes.map { "-I" + $0 } + request.extraCFlags,
          directory: directory)
      }
    }
    return compiles
  }

  /// Whether the project brings its own application: a list of sources, a `Makefile.uk`, or C
  /// or assembly files beside the Kraftfile (what `AppSources` would compile).
  private func hasOwnSources(_ request: BuildRequest) -> Bool {
    let project = request.kraftfile.directory
    if request.appSources != nil || fileSystem.exists(project + "/Makefile.uk") { return true }
    let names = (try? fileSystem.list(project)) ?? []
    return names.contains { $0.hasSuffix(".c") || $0.hasSuffix(".S") }
  }

  /// The folders the libraries add to the root file system, in the order the libraries come.
  static func rootfsLayers(of libraries: [LibraryManifest], for resolved: ResolvedTarget)
    -> [String]
  {
    libraries.compactMap { library in
      guard let entry = library.rootfs, resolved.applies(entry) else { return nil }
      let base = entry.base == .manifest ? library.directory : library.sourceRoot
      return base + "/" + entry.path
    }
  }
}
