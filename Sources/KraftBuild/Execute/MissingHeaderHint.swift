import KraftModel

/// What to do when a compilation failed because a C library header was not found. Every
/// compilation is hermetic (`-nostdinc`), so `<stdio.h>` exists only when the image has a
/// libc and the failing library may see it.
enum MissingHeaderHint {
  /// `library` is the failing step's library (an app library is not in `target`'s catalog).
  static func hint(header: String, library: String, target: TargetBuildPlan) -> String {
    let libraries = target.resolution.libraries
    let libc = libraries.first { $0.provides.contains("libc") }
    if let manifest = libraries.first(where: { $0.name == library }),
      !needsLibc(manifest, among: libraries)
    {
      let recipe = manifest.kind == .port ? "port.yaml" : "library.yaml"
      return
        "library '\(library)' includes <\(header)> but its \(recipe) does not require a C library: add `requires: [libc]` to '\(manifest.directory)/\(recipe)'"
    }
    guard let libc else {
      return
        "<\(header)> comes from a C library and this image has none: add `musl` under `libraries:` in the Kraftfile"
    }
    return
      "the image's C library '\(libc.name)' has no <\(header)>; a full libc has it: add `musl` under `libraries:` in the Kraftfile"
  }

  /// Whether the library requires `libc` itself, or a library that provides it (`musl`).
  private static func needsLibc(_ library: LibraryManifest, among libraries: [LibraryManifest]) -> Bool {
    if library.provides.contains("libc") { return true }
    return library.requires.contains { name in
      name == "libc" || libraries.contains { $0.name == name && $0.provides.contains("libc") }
    }
  }
}
