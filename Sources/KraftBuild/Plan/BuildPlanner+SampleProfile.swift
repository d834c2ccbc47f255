import KraftBasics
import KraftModel

extension BuildPlanner {
  /// `libraries` as this toolchain compiles them: `sample-profile:` kept where clang compiles,
  /// dropped with a warning elsewhere. gcc's nearest flag (`-fauto-profile`) reads another
  /// format, and a profile changes only speed, so a gcc build of such a library still builds.
  static func sampleProfiled(_ libraries: [LibraryManifest], by toolchain: Toolchain)
    -> (libraries: [LibraryManifest], warnings: [Diagnostic])
  {
    guard toolchain.family != .clang else { return (libraries, []) }
    return withoutSetting(libraries) { library in
      guard let profile = library.sampleProfile else { return nil }
      library.sampleProfile = nil
      return Diagnostic(
        .warning,
        "library '\(library.name)' names a sample profile ('sample-profile: \(profile.path)'), "
          + "which only clang reads; compiled without it by '\(toolchain.compiler)'",
        at: profile.location ?? library.location)
    }
  }

  /// The absolute path of the library's sample profile for this image, if it names one that
  /// applies (its `architectures:` and `if:`, like a source entry's).
  static func sampleProfilePath(of library: LibraryManifest, _ resolved: ResolvedTarget) -> String? {
    guard let profile = library.sampleProfile, resolved.applies(profile) else { return nil }
    return profile.path(in: library)
  }

  /// The flag that makes clang read `path` as the compile's sample profile.
  static func sampleProfileFlag(_ path: String) -> String {
    "-fprofile-sample-use=" + path
  }
}
