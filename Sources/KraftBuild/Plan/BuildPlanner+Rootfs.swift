import KraftBasics
import KraftModel

/// The files ports add to the image's root file system (`rootfs:`, CPython's standard library).
/// (A port's `program:` is compiled with the application: `appCompiles`.)
extension BuildPlanner {
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
