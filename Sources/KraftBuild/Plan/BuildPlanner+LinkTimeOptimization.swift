import KraftBasics
import KraftModel

extension BuildPlanner {
  /// `libraries` as this toolchain compiles them: `lto:` kept where clang compiles and ld.lld
  /// links (ld.lld reads bitcode objects beside ELF ones and runs ThinLTO's backend itself, so
  /// the link command is the same), dropped with a warning elsewhere. A recipe is shared by
  /// every toolchain and LTO changes only speed, so a gcc build of an LTO library still builds,
  /// as a plain one (gcc's own `-flto` objects would need its linker plugin, not ld.lld).
  static func linkTimeOptimised(_ libraries: [LibraryManifest], by toolchain: Toolchain)
    -> (libraries: [LibraryManifest], warnings: [Diagnostic])
  {
    guard toolchain.family != .clang || toolchain.linkerFlavor != .lld else {
      return (libraries, [])
    }
    return withoutSetting(libraries) { library in
      guard let lto = library.lto else { return nil }
      library.lto = nil
      return Diagnostic(
        .warning,
        "library '\(library.name)' asks for 'lto: \(lto.rawValue)', which needs clang and "
          + "ld.lld; compiled without link-time optimisation by '\(toolchain.compiler)'",
        at: library.ltoLocation ?? library.location)
    }
  }

  /// `libraries` with a setting this toolchain cannot honour taken out of each that has it:
  /// `drop` clears it and returns the warning that says so (nil: the library has none). Such
  /// settings (`lto:`, `sample-profile:`) change only speed, so the build goes on without them.
  static func withoutSetting(
    _ libraries: [LibraryManifest], _ drop: (inout LibraryManifest) -> Diagnostic?
  ) -> (libraries: [LibraryManifest], warnings: [Diagnostic]) {
    var warnings: [Diagnostic] = []
    let kept = libraries.map { library in
      var library = library
      if let warning = drop(&library) { warnings.append(warning) }
      return library
    }
    return (kept, warnings)
  }

  /// Whether `lto:` covers the library's file at `relative` (all its files unless
  /// `lto: sources:` names some).
  static func ltoCovers(_ library: LibraryManifest, _ relative: String) -> Bool {
    library.ltoSources.isEmpty || library.ltoSources.contains { GlobPattern($0).matches(relative) }
  }

  /// Every `lto: sources:` entry must name a file the library compiles for the target: a
  /// misspelt or stale path would silently leave that file out of the optimisation.
  static func checkLTOSources(
    _ libraries: [LibraryManifest], compiles: [CompileStep], directory: String
  ) throws {
    var problems: [Diagnostic] = []
    for library in libraries where library.lto != nil && !library.ltoSources.isEmpty {
      let prefix = ObjectLayout.libraryFolder(in: directory, library: library.name) + "/"
      let relatives = compiles.filter { $0.library == library.name && $0.object.hasPrefix(prefix) }
        .map { String($0.object.dropFirst(prefix.count).dropLast(".o".count)) }
      for entry in library.ltoSources where !relatives.contains(where: GlobPattern(entry).matches) {
        problems.append(
          Diagnostic(
            .error,
            "library '\(library.name)': 'lto: sources:' names '\(entry)', which is none of the "
              + "files it compiles for this target",
            at: library.location))
      }
    }
    if !problems.isEmpty { throw Diagnostics(problems) }
  }
}
