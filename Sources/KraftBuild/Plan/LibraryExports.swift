import KraftBasics
import KraftModel

/// What an image's libraries give every compilation and the link: include folders, global
/// flags, linker flags, and the one linker script (the platform library's).
struct LibraryExports {
  var includes: [String]
  /// The libraries exporting each include folder (the kernel's common folders have none).
  var includeOwners: [String: Set<String>] = [:]
  var globalCFlags: [String] = []
  var ldflags: [String] = []
  var linkerScript: String
  /// The one `symbol-order:` file of the image's libraries, if any (ld.lld's
  /// `--symbol-ordering-file` takes one).
  var symbolOrder: String?

  init(_ libraries: [LibraryManifest], resolved: ResolvedTarget, commonIncludes: [String]) throws {
    includes = commonIncludes
    var linkerScripts: [(library: String, path: String)] = []
    var symbolOrders: [(library: String, path: String)] = []
    for library in libraries {
      let own = library.includes.filter { resolved.applies($0) }.map { $0.path(in: library) }
      includes += own
      for folder in own { includeOwners[folder, default: []].insert(library.name) }
      globalCFlags += library.globalCflags
      ldflags += library.ldflags
      linkerScripts += library.linkerScripts.filter { resolved.applies($0) }
        .map { (library.name, $0.path(in: library)) }
      if let order = library.symbolOrder, resolved.applies(order) {
        symbolOrders.append((library.name, order.path(in: library)))
      }
    }
    let target = resolved.target.shortForm
    symbolOrder = try Self.atMostOne(symbolOrders) {
      "several libraries give a 'symbol-order' for target '\(target)': \($0); "
        + "the linker takes one, so at most one library may"
    }
    guard
      let script = try Self.atMostOne(
        linkerScripts, { "several linker scripts apply to target '\(target)': \($0); exactly one must" })
    else {
      throw Diagnostics([
        Diagnostic(
          .error,
          "no linker script for target '\(target)'; the platform library must list one under 'linker-scripts:'"
        )
      ])
    }
    linkerScript = script
  }

  /// The one path of `found`, or nil when there is none; several are an error whose message
  /// `several` makes from the list of them.
  private static func atMostOne(
    _ found: [(library: String, path: String)], _ several: (String) -> String
  ) throws -> String? {
    guard found.count <= 1 else {
      let listed = found.map { "'\($0.path)' (\($0.library))" }.joined(separator: ", ")
      throw Diagnostics([Diagnostic(.error, several(listed))])
    }
    return found.first?.path
  }
}

extension LibraryExports {
  /// The include folders `port`'s compiles get: the kernel's common ones, the architecture's
  /// and platform's, and those of the libraries the port requires, directly or through
  /// them (a capability by the library providing it), or names in a source's `if:`.
  /// Headers are a library's interface and the requirement is how a library says it uses them
  /// (`KernelHeaderRequirementTests`), so a port is compiled against the same folders whatever
  /// else the image holds: a network driver's headers do not change musl's commands, and one
  /// musl serves every image of an architecture (`PrebuiltKey`, ccache's direct mode).
  func includes(forPort port: LibraryManifest, in libraries: [LibraryManifest]) -> [String] {
    var needed: Set<String> = [port.name]
    needed.formUnion(libraries.filter { $0.kind == .arch || $0.kind == .platform }.map(\.name))
    let conditioned = Set((port.sources + port.includes + port.program).flatMap(\.conditions).map(\.option))
    needed.formUnion(libraries.filter { conditioned.contains($0.enableOption) }.map(\.name))
    var pending = libraries.filter { needed.contains($0.name) }
    while let library = pending.popLast() {
      for requirement in library.requires {
        for provider in libraries where provider.meets(requirement) {
          if needed.insert(provider.name).inserted { pending.append(provider) }
        }
      }
    }
    return includes.filter { folder in includeOwners[folder].map { !$0.isDisjoint(with: needed) } ?? true }
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
