import KraftModel

/// Turns an ordinary build plan into a reproducible one, as pure data (the planner stays
/// unaware of release mode, and tests can compare plans):
///
/// - every absolute folder a compilation can see (the project, the kernel tree, each port's
///   fetched tree, the output folder) is rewritten in `__FILE__` and debug info to a fixed
///   name with `-ffile-prefix-map`, and the compilation directory is fixed too, so the build
///   path and the folder kraft was started from leave no trace;
/// - each library's objects are compiled and linked in byte order of their source paths, so
///   the link (and with it the order of symbols and sections) follows sorted lists and never
///   the order in which a folder or a Makefile.uk happened to list files. Libraries keep the
///   resolver's order: it comes from the requirement graph, and constructors run in it;
/// - the link keeps `--build-id=none`: ld.lld's build id would be the only content that
///   hashes more than the inputs.
///
/// Time (`SOURCE_DATE_EPOCH`, `TZ`, the locale) is not part of a command: the executor passes
/// it in the environment (`ReleaseEnvironment`).
public struct ReproducibleBuildPlan: Sendable {
  /// A host folder and the fixed name it gets inside the build's outputs.
  public struct PathMapping: Hashable, Sendable {
    public var from: String
    public var to: String

    public init(from: String, to: String) {
      self.from = from
      self.to = to
    }
  }

  /// Where compilations appear to have run, for every project (clang's
  /// `-ffile-compilation-dir`; relative paths in debug info are relative to it).
  public static let compilationDirectory = "/kraft/app"

  public var mappings: [PathMapping]
  public var family: Toolchain.Family

  public init(mappings: [PathMapping], family: Toolchain.Family) {
    // Longest first in this array, and given to the compiler shortest first: GCC applies the
    // last matching map, so the most specific folder must come last to win; clang prefers
    // the longest match either way.
    var unique: [PathMapping] = []
    for mapping in mappings where !unique.contains(where: { $0.from == mapping.from }) {
      unique.append(mapping)
    }
    self.mappings = unique.sorted {
      $0.from.utf8.count != $1.from.utf8.count
        ? $0.from.utf8.count > $1.from.utf8.count
        : Array($1.from.utf8).lexicographicallyPrecedes(Array($0.from.utf8))
    }
    self.family = family
  }

  /// The mappings for a project: the toolchain's install folder (its own headers), the
  /// project folder, the output folder (when outside the project), the kernel tree and ports
  /// folder, and each port's source tree. GCC has no `-ffile-compilation-dir` and records the
  /// folder ninja runs in, so for GCC that folder (`workingDirectory`) is mapped as well.
  public static func mappings(
    projectDirectory: String, outputDirectory: String, kernel: KernelTree,
    portRoots: [(name: String, root: String)], toolchain: Toolchain, workingDirectory: String
  ) -> [PathMapping] {
    var result: [PathMapping] = []
    if toolchain.family == .gcc {
      result.append(PathMapping(from: workingDirectory, to: compilationDirectory))
    }
    // `/opt/swift/usr/bin/clang` -> `/opt/swift/usr`: where its builtin headers live.
    let bin = parent(of: toolchain.compiler)
    if parent(of: bin) != "/" && !parent(of: bin).isEmpty {
      result.append(PathMapping(from: parent(of: bin), to: "/kraft/toolchain"))
    }
    result.append(PathMapping(from: kernel.kernelDirectory, to: "/kraft/Kernel"))
    if let ports = kernel.portsDirectory {
      result.append(PathMapping(from: ports, to: "/kraft/Ports"))
    }
    for port in portRoots {
      result.append(PathMapping(from: port.root, to: "/kraft/src/" + port.name))
    }
    result.append(PathMapping(from: projectDirectory, to: compilationDirectory))
    if !outputDirectory.hasPrefix(projectDirectory + "/") {
      result.append(PathMapping(from: outputDirectory, to: "/kraft/out"))
    }
    return result
  }

  static func parent(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "" }
    return slash == path.startIndex ? "/" : String(path[..<slash])
  }

  /// The flags added to every compilation, right after the program.
  public var compileFlags: [String] {
    var flags = mappings.reversed().map { "-ffile-prefix-map=\($0.from)=\($0.to)" }
    if family == .clang { flags.append("-ffile-compilation-dir=" + Self.compilationDirectory) }
    return flags
  }

  public func apply(to plan: BuildPlan) -> BuildPlan {
    var copy = plan
    copy.targets = plan.targets.map(apply)
    return copy
  }

  public func apply(to target: TargetBuildPlan) -> TargetBuildPlan {
    var copy = target
    copy.compiles = Self.sortedWithinLibraries(target.compiles).map { step in
      var step = step
      step.command = [step.command[0]] + compileFlags + step.command.dropFirst()
      return step
    }
    let oldObjects = target.compiles.map(\.object)
    let newObjects = copy.compiles.map(\.object)
    copy.link.command = Self.replacingSuffix(
      target.linkObjects, with: copy.linkObjects, in: target.link.command)
    copy.link.inputs = newObjects + target.link.inputs.filter { !oldObjects.contains($0) }
    if !copy.link.command.contains(where: { $0.hasPrefix("--build-id") }) {
      copy.link.command.insert("--build-id=none", at: 1)
    }
    return copy
  }

  /// Libraries in their first-appearance order; within each, sources in byte order.
  static func sortedWithinLibraries(_ compiles: [CompileStep]) -> [CompileStep] {
    var order: [String] = []
    var groups: [String: [CompileStep]] = [:]
    for step in compiles {
      if groups[step.library] == nil { order.append(step.library) }
      groups[step.library, default: []].append(step)
    }
    return order.flatMap { library in
      groups[library]!.sorted { Array($0.source.utf8).lexicographicallyPrecedes(Array($1.source.utf8)) }
    }
  }

  /// The planner ends the link command with the objects in compile order (lazy runs marked,
  /// then the runtime archives: `TargetBuildPlan.linkObjects`); swap them for the sorted
  /// order. Anything else (an unexpected command shape) gets the objects reordered in place,
  /// wherever they are.
  static func replacingSuffix(_ old: [String], with new: [String], in command: [String]) -> [String] {
    if command.count >= old.count && Array(command.suffix(old.count)) == old {
      return Array(command.dropLast(old.count)) + new
    }
    var remaining = new[...]
    return command.map { word in
      guard old.contains(word), let next = remaining.popFirst() else { return word }
      return next
    }
  }
}
