import KraftBasics
import KraftModel

/// Sharing between the targets of one architecture, in the plan itself (no compile cache
/// needed): a compile step whose command is the same for several targets, apart from its
/// object's path, is planned once, with its object in a folder of the architecture
/// (`<outdir>/fc+qemu-x86_64/obj/...`, named by the platforms sharing it), and that object
/// is linked into each of those images. The ninja file builds it once.
///
/// What makes two targets' commands differ is their options: every resolved option reaches
/// every compile as a `-D` flag, and targets of one architecture differ at least in their
/// platform's (`CONFIG_LIBPLAT_QEMU` against `CONFIG_LIBPLAT_FIRECRACKER`). A flag for an
/// option whose name no file the compile can see mentions (outside comments and literals:
/// `OptionMentions`) cannot change its object, so it is
/// left out of the shared step's command (it stays in `config.h`). The files a compile can see
/// are those below its source's folder and below every folder (or the file) its flags name
/// (`-I`, `-isystem`, `-iquote`, `-idirafter`, `-include`); a file that builds a name by token
/// pasting onto `CONFIG_` counts as mentioning every option. A file reached only through a
/// relative `#include` that climbs out of all of those folders is not looked at, nor is the
/// build's own output folder (its `config.h` names every option) or a `.git` folder.
public struct SharedObjects: Sendable {
  public var fileSystem: FileSystem

  public init(fileSystem: FileSystem) { self.fileSystem = fileSystem }

  /// `plan` with every step that several targets of one architecture share planned once.
  public func apply(to plan: BuildPlan) throws -> BuildPlan {
    var copy = plan
    var mentions = MentionScanner(fileSystem: fileSystem, skipping: plan.outputDirectory)
    var architectures: [Architecture] = []
    for target in plan.targets where !architectures.contains(target.target.architecture) {
      architectures.append(target.target.architecture)
    }
    for architecture in architectures {
      let indices = plan.targets.indices.filter { plan.targets[$0].target.architecture == architecture }
      guard indices.count > 1 else { continue }
      let differing = Self.differingFlags(indices.map { plan.targets[$0].resolution })
      // Steps by what they would be if shared: the command without the target's object and
      // without flags no visible file reads.
      var groups: [SharingKey: [(target: Int, step: Int)]] = [:]
      var order: [SharingKey] = []
      for index in indices {
        for (position, step) in plan.targets[index].compiles.enumerated() {
          let unread = try mentions.unreadFlags(of: step, among: differing)
          let key = SharingKey(step: step, leavingOut: unread)
          if groups[key] == nil { order.append(key) }
          groups[key, default: []].append((index, position))
        }
      }
      for key in order {
        guard let members = groups[key], Set(members.map(\.target)).count > 1 else { continue }
        let folder =
          plan.outputDirectory + "/"
          + Set(members.map { plan.targets[$0.target].target.platform.shortName }).sorted()
          .joined(separator: "+")
          + "-" + architecture.rawValue
        for member in members {
          let target = plan.targets[member.target]
          let step = target.compiles[member.step]
          let object = folder + step.object.dropFirst(target.directory.count)
          copy.targets[member.target].compiles[member.step] = CompileStep(
            library: step.library, source: step.source, object: object,
            command: key.command(object: object), description: step.description,
            implicitInputs: step.implicitInputs)
          copy.targets[member.target].link.command = copy.targets[member.target].link.command.map {
            $0 == step.object ? object : $0
          }
          copy.targets[member.target].link.inputs = copy.targets[member.target].link.inputs.map {
            $0 == step.object ? object : $0
          }
          if copy.targets[member.target].lazyObjects.remove(step.object) != nil {
            copy.targets[member.target].lazyObjects.insert(object)
          }
        }
      }
    }
    return copy
  }

  /// Every folder name shared objects of `targets` may get (`fc+qemu-x86_64`): one per set
  /// of two or more platforms of one architecture, for `kraft clean`; with `sharedBy`, only
  /// the folders that target links from (`kraft build -t X --no-cache`).
  public static func folderNames(for targets: [Target], sharedBy member: Target? = nil) -> [String] {
    var names: [String] = []
    for architecture in Architecture.allCases where member.map({ $0.architecture == architecture }) ?? true {
      let platforms = Set(targets.filter { $0.architecture == architecture }.map(\.platform.shortName))
        .sorted()
      guard platforms.count > 1 else { continue }
      for mask in 1..<(1 << platforms.count) where mask.nonzeroBitCount > 1 {
        let chosen = platforms.indices.filter { mask & (1 << $0) != 0 }.map { platforms[$0] }
        if let member, !chosen.contains(member.platform.shortName) { continue }
        names.append(chosen.joined(separator: "+") + "-" + architecture.rawValue)
      }
    }
    return names
  }

  /// `-DNAME=VALUE` flags that are not the same in every resolution (a name some targets
  /// leave undefined counts too), by macro name.
  static func differingFlags(_ resolutions: [OptionResolution]) -> [String: Set<String>] {
    let perTarget = resolutions.map { Set(ConfigHeader.flags($0)) }
    let common = perTarget.dropFirst().reduce(perTarget[0]) { $0.intersection($1) }
    var byName: [String: Set<String>] = [:]
    for flag in perTarget.reduce(Set<String>(), { $0.union($1) }).subtracting(common) {
      let name = String(flag.dropFirst(2).prefix { $0 != "=" })
      byName[name, default: []].insert(flag)
    }
    return byName
  }
}

/// A compile step with its object path taken out and some flags left out: equal keys are the
/// same compilation.
private struct SharingKey: Hashable {
  var source: String
  var library: String
  /// The command with `nil` where the object's path was (the depfile is the object's + `.d`).
  var words: [String?]

  init(step: CompileStep, leavingOut unread: Set<String>) {
    source = step.source
    library = step.library
    words = step.command.filter { !unread.contains($0) }.map { word in
      if word == step.object { return nil }
      if word == step.depfile { return "\u{0}.d" }
      return word
    }
  }

  func command(object: String) -> [String] {
    words.map { word in
      guard let word else { return object }
      return word == "\u{0}.d" ? object + ".d" : word
    }
  }
}

/// Which option names the files a compile can see mention, place by place (`PlaceMentions`).
private struct MentionScanner {
  private var places: PlaceMentions

  init(fileSystem: FileSystem, skipping outputDirectory: String) {
    places = PlaceMentions(
      fileSystem: fileSystem, outputDirectory: outputDirectory, trees: [], treeMemo: nil, placeMemo: nil)
  }

  /// The flags of `differing` whose option no file visible to `step` mentions.
  mutating func unreadFlags(of step: CompileStep, among differing: [String: Set<String>]) throws
    -> Set<String>
  {
    guard step.command.contains(where: { flag in differing.values.contains { $0.contains(flag) } }) else {
      return []
    }
    var mentioned: Set<String> = []
    for place in step.visiblePlaces {
      mentioned.formUnion(try places.names(in: place))
      if mentioned.contains(OptionMentions.everyOption) { return [] }
    }
    return Set(differing.filter { !mentioned.contains($0.key) }.values.flatMap { $0 })
  }
}
