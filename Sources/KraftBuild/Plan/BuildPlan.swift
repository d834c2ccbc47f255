import KraftBasics
import KraftModel

/// Everything `kraft build` will do, decided before anything runs: pure data that tests
/// compare and `--dry-run` prints. The executor turns it into a ninja file.
public struct BuildPlan: Hashable, Sendable {
  /// `.unikraft/build` or the Kraftfile's `outdir` (absolute).
  public var outputDirectory: String
  public var targets: [TargetBuildPlan]

  public init(outputDirectory: String, targets: [TargetBuildPlan]) {
    self.outputDirectory = outputDirectory
    self.targets = targets
  }

  public var ninjaFile: String { outputDirectory + "/build.ninja" }

  /// Every compilation of every target, a shared one once.
  public var compileCount: Int { Set(targets.flatMap { $0.compiles.map(\.object) }).count }

  /// `<outdir>/shared.ninja`: the compilations several targets share (`SharedObjects`).
  public var sharedNinjaFile: String { outputDirectory + "/shared.ninja" }

  /// The compilations whose object several targets link, each once, in plan order.
  public var sharedCompiles: [CompileStep] {
    let shared = sharedObjects
    var seen: Set<String> = []
    return targets.flatMap(\.compiles).filter {
      shared.contains($0.object) && seen.insert($0.object).inserted
    }
  }

  /// The compilations only `target` links (what its own ninja file builds).
  public func ownCompiles(of target: TargetBuildPlan) -> [CompileStep] {
    let shared = sharedObjects
    return target.compiles.filter { !shared.contains($0.object) }
  }

  /// Objects linked into more than one image.
  var sharedObjects: Set<String> {
    var seen: Set<String> = []
    var shared: Set<String> = []
    for target in targets {
      for object in Set(target.compiles.map(\.object)) where !seen.insert(object).inserted {
        shared.insert(object)
      }
    }
    return shared
  }
}

/// One image.
public struct TargetBuildPlan: Hashable, Sendable {
  public var target: Target
  /// `.unikraft/build/<plat>-<arch>`: the ninja file, objects and `config.h` of this target.
  public var directory: String
  public var resolution: OptionResolution
  public var toolchain: Toolchain
  public var compiles: [CompileStep]
  public var link: Step
  public var strip: Step
  /// `<outdir>/<name>_<plat>-<arch>`.
  public var image: String
  public var debugImage: String
  public var mapFile: String
  public var reportFile: String
  /// Folders the image's libraries add to its root file system (`rootfs:` of a port), packed
  /// under the project's own `rootfs:`.
  public var rootfsLayers: [String] = []
  /// The objects linked as a library (`BuildPlanner.lazyObjects`): only those the image uses
  /// are kept.
  public var lazyObjects: Set<String> = []

  public var ninjaFile: String { directory + "/build.ninja" }
  /// What the link command ends with: the objects (lazy ones marked) and the runtime archives.
  public var linkObjects: [String] {
    BuildPlanner.linkObjects(
      compiles.map(\.object), lazy: lazyObjects, runtimeLibraries: toolchain.runtimeLibraries)
  }
  public var configHeader: String { directory + "/include/config.h" }
  public var configJSON: String { directory + "/config.json" }

  /// `qemu-x86_64`: the folder name and a unique ninja identifier for this target.
  public static func key(_ target: Target) -> String {
    "\(target.platform.shortName)-\(target.architecture.rawValue)"
  }
}

/// One command with its inputs and outputs.
public struct Step: Hashable, Sendable {
  public var inputs: [String]
  public var outputs: [String]
  /// Program first.
  public var command: [String]
  /// Short text for progress (`LD hello_qemu-x86_64`).
  public var description: String

  public init(inputs: [String], outputs: [String], command: [String], description: String) {
    self.inputs = inputs
    self.outputs = outputs
    self.command = command
    self.description = description
  }
}

/// Compiling one source of one library.
public struct CompileStep: Hashable, Sendable {
  public var library: String
  public var source: String
  public var object: String
  /// Program first; ends with `-c source -o object`; the depfile is `object.d`.
  public var command: [String]
  /// `CC kcore print.c` (the path relative to the library): what progress shows, and how
  /// ninja's output is mapped back to steps.
  public var description: String
  /// Files the object depends on that the compiler's depfile does not name (a sample profile):
  /// ninja recompiles when one changes.
  public var implicitInputs: [String] = []

  public init(
    library: String, source: String, object: String, command: [String], description: String,
    implicitInputs: [String] = []
  ) {
    self.library = library
    self.source = source
    self.object = object
    self.command = command
    self.description = description
    self.implicitInputs = implicitInputs
  }

  public var depfile: String { object + ".d" }

  /// The source's folder, every folder or file the command names for the preprocessor and its
  /// implicit inputs: every place whose files this compile can see.
  var visiblePlaces: [String] {
    var places = [String(source[..<(source.lastIndex(of: "/") ?? source.startIndex)])]
    places += implicitInputs
    let prefixes = ["-I", "-isystem", "-iquote", "-idirafter", "-include"]
    var words = command.makeIterator()
    while let word = words.next() {
      guard let prefix = prefixes.first(where: { word.hasPrefix($0) }) else { continue }
      let rest = String(word.dropFirst(prefix.count))
      if let path = rest.isEmpty ? words.next() : rest { places.append(path) }
    }
    return places
  }
}
