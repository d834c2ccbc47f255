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
    var warnings: [Diagnostic] = []
    let plain = libraries.map { library in
      guard let lto = library.lto else { return library }
      warnings.append(
        Diagnostic(
          .warning,
          "library '\(library.name)' asks for 'lto: \(lto.rawValue)', which needs clang and "
            + "ld.lld; compiled without link-time optimisation by '\(toolchain.compiler)'",
          at: library.location))
      var plain = library
      plain.lto = nil
      return plain
    }
    return (plain, warnings)
  }
}
