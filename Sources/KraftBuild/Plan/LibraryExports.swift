import KraftBasics
import KraftModel

/// What an image's libraries give every compilation and the link: include folders, global
/// flags, linker flags, and the one linker script (the platform library's).
struct LibraryExports {
  var includes: [String]
  var globalCFlags: [String] = []
  var ldflags: [String] = []
  var linkerScript: String

  init(_ libraries: [LibraryManifest], resolved: ResolvedTarget, commonIncludes: [String]) throws {
    includes = commonIncludes
    var linkerScripts: [(library: String, path: String)] = []
    for library in libraries {
      includes += library.includes.filter { resolved.applies($0) }.map { $0.path(in: library) }
      globalCFlags += library.globalCflags
      ldflags += library.ldflags
      linkerScripts += library.linkerScripts.filter { resolved.applies($0) }
        .map { (library.name, $0.path(in: library)) }
    }
    guard linkerScripts.count == 1 else {
      let found = linkerScripts.map { "'\($0.path)' (\($0.library))" }.joined(separator: ", ")
      let target = resolved.target.shortForm
      throw Diagnostics([
        Diagnostic(
          .error,
          linkerScripts.isEmpty
            ? "no linker script for target '\(target)'; the platform library must list one under 'linker-scripts:'"
            : "several linker scripts apply to target '\(target)': \(found); exactly one must")
      ])
    }
    linkerScript = linkerScripts[0].path
  }
}

extension ResolvedTarget {
  /// Whether a library's file is used in this image: its architectures and its `if:`.
  func applies(_ file: LibraryFile) -> Bool {
    file.supports(target) && file.conditions.allSatisfy(resolution.holds)
  }
}

extension LibraryFile {
  /// The file's absolute path: relative ones are under the manifest's folder or the tree.
  func path(in library: LibraryManifest) -> String {
    let base = base == .manifest ? library.directory : library.sourceRoot
    return path.hasPrefix("/") ? path : base + "/" + path
  }
}
