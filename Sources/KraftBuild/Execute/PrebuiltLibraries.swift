import Foundation
import KraftBasics

/// Reusing whole libraries' objects (issue 18's warm-cache goal): a warm build of a fresh musl
/// project is 1,363 ccache hits, one process each, which alone costs more than the goal. So
/// before ninja runs, the compiles of each kernel library and each port (per folder holding
/// their objects: a target's, or the folder several targets share) get a `PrebuiltKey`; when
/// the `PrebuiltStore` holds that key, the objects are linked into the build folder and ninja
/// gets no compile step for them (the link is unchanged, so the image is the one compiling
/// gives). Otherwise ninja compiles them as always (through ccache), and after a successful
/// build they are stored.
///
/// A port is kept as two groups: its upstream sources (in its fetched tree) and its glue (in
/// its recipe folder). Glue reads the image's options (musl's main stack size, which the Redis
/// template sets), upstream code mostly does not (`PortOptionFlags`), so a project changing a
/// glue option compiles the glue and still reuses upstream musl whole.
///
/// A stamp beside the objects (`obj/<library>.prebuilt`, `obj/<library>.glue.prebuilt`), written
/// after them, records which key they hold, so an unchanged group is not written again (which
/// would make ninja link again); it is removed before ninja compiles that group, so a build
/// that fails half-way leaves no stamp behind, and it counts only while no object is newer
/// than it.
public struct PrebuiltLibraries: Sendable {
  public var store: PrebuiltStore
  public var runner: ProcessRunner

  public init(store: PrebuiltStore, runner: ProcessRunner) {
    self.store = store
    self.runner = runner
  }

  /// Which of a library's compiles a group holds.
  public enum Part: String, Hashable, Sendable {
    /// A kernel library's: all of them.
    case kernel
    /// A port's sources in its fetched tree (and its program's).
    case upstream
    /// A port's sources in its recipe folder.
    case glue
  }

  /// One library's compiles (one part of a port's) whose objects share one folder.
  public struct Group: Hashable, Sendable {
    public var library: String
    public var part: Part
    /// The target's (or the shared) folder; objects are below `<objectFolder>/obj/<library>/`.
    public var objectFolder: String
    public var steps: [CompileStep]
    public var key: String

    public init(library: String, part: Part, objectFolder: String, steps: [CompileStep], key: String) {
      self.library = library
      self.part = part
      self.objectFolder = objectFolder
      self.steps = steps
      self.key = key
    }

    var stamp: String {
      ObjectLayout.libraryFolder(in: objectFolder, library: library) + (part == .glue ? ".glue" : "")
        + ".prebuilt"
    }
    /// What the key and the store's listing name the group by.
    var label: String { part == .glue ? library + " (glue)" : library }
  }

  public struct Decision: Sendable {
    public var reused: [Group] = []
    public var missed: [Group] = []
    /// Entries found damaged (and removed), with why.
    public var damaged: [(library: String, reason: String)] = []
    public var reusedObjects: Set<String> { Set(reused.flatMap { $0.steps.map(\.object) }) }
  }

  /// The groups of `plan`'s compiles of `libraries` (kernel libraries and ports), in plan
  /// order, with their keys. `ports` holds each port's recipe folder (its glue's) and its
  /// prepared tree (which a local port may keep inside the recipe folder).
  public func groups(
    _ plan: BuildPlan, libraries: Set<String>, ports: [String: (recipe: String, tree: String)],
    keying: PrebuiltKey,
    environment: [String: String]
  ) throws -> [Group] {
    var seen: Set<String> = []
    var order: [String] = []
    var members: [String: (library: String, part: Part, folder: String, steps: [CompileStep])] = [:]
    for step in plan.targets.flatMap(\.compiles)
    where libraries.contains(step.library) && seen.insert(step.object).inserted {
      guard
        let folder = ObjectLayout.folder(
          of: step.object, library: step.library, outputDirectory: plan.outputDirectory)
      else { continue }
      let part: Part =
        if let port = ports[step.library] {
          ObjectLayout.isGlue(source: step.source, recipe: port.recipe, tree: port.tree) ? .glue : .upstream
        } else { .kernel }
      let id = step.library + "\u{0}" + part.rawValue + "\u{0}" + folder
      if members[id] == nil { order.append(id) }
      members[id, default: (step.library, part, folder, [])].steps.append(step)
    }
    var identities: [String: String] = [:]
    var keying = keying
    var groups: [Group] = []
    for id in order {
      let (library, part, folder, steps) = members[id]!
      let compiler = steps[0].command[0]
      if identities[compiler] == nil {
        identities[compiler] = try CompilerIdentity.of(compiler, runner: runner)
      }
      var group = Group(library: library, part: part, objectFolder: folder, steps: steps, key: "")
      group.key = try keying.key(
        of: steps, library: group.label, objectFolder: folder, compiler: identities[compiler]!,
        environment: environment)
      groups.append(group)
    }
    return groups
  }

  /// Looks each group up: a hit's objects are put in place (unless its stamp says they are
  /// already there), a miss's stamp is removed.
  public func prepare(_ groups: [Group]) throws -> Decision {
    var decision = Decision()
    for group in groups {
      if Self.stampMatches(group) {
        decision.reused.append(group)
        continue
      }
      unlink(group.stamp)
      switch store.load(group.key) {
      case .hit(let objects)
      where Set(objects.map(\.path)) == Set(group.steps.map { relative($0.object, group) }):
        var folders: Set<String> = []
        for object in objects {
          let path = group.objectFolder + "/" + object.path
          let folder = String(path[..<path.lastIndex(of: "/")!])
          if folders.insert(folder).inserted {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
          }
          try PrebuiltStore.place(object, at: path)
        }
        try PrebuiltStore.writeReplacing(group.stamp, Data((group.key + "\n").utf8))
        decision.reused.append(group)
      case .damaged(let reason):
        decision.damaged.append((group.label, reason))
        decision.missed.append(group)
        Self.breakLinks(group.steps.map(\.object))
      default:
        decision.missed.append(group)
        Self.breakLinks(group.steps.map(\.object))
      }
    }
    return decision
  }

  /// Claims the keys of `groups` (missed ones, about to be compiled): another build about to
  /// compile the same port waits here until this one has stored it, then finds it in the
  /// store, instead of compiling it too (two test fixtures, or two terminals, building OpenSSL
  /// for one architecture at once did the work twice). Keys are claimed in order, so two
  /// builds each waiting for a key the other holds cannot happen. The claims are released
  /// by `FileLock`'s unlock, which removes their files (or when the process ends, as `flock`
  /// locks are; the next claim of the key removes the file then).
  public func claim(_ groups: [Group], waiting: @escaping (Group) -> Void) throws -> [FileLock] {
    var claims: [FileLock] = []
    var seen: Set<String> = []
    for group in groups.sorted(by: { $0.key < $1.key }) where seen.insert(group.key).inserted {
      claims.append(
        try FileLock(
          path: store.directory + "/claims/" + group.key, waiting: { waiting(group) }, removedOnUnlock: true))
    }
    return claims
  }

  /// Removes those of `objects` that are hard links (an earlier build's objects from the
  /// store), so that whatever compiles them next writes a file of its own and never into the
  /// store's: clang renames its output into place, but ccache and GNU as may write into an
  /// existing file. Objects compiled here have one link and stay, so ninja still knows them.
  public static func breakLinks(_ objects: [String]) {
    for object in objects {
      var info = stat()
      if lstat(object, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_nlink > 1 {
        unlink(object)
      }
    }
  }

  /// Those of `groups` whose key is still the key `rekeyed` (the same plan's groups keyed
  /// again) gives them: what a build may store after ninja ran.
  static func keptTheirKeys(_ groups: [Group], rekeyed: [Group]) -> [Group] {
    let keys = Dictionary(rekeyed.map { ($0.stamp, $0.key) }, uniquingKeysWith: { first, _ in first })
    return groups.filter { keys[$0.stamp] == $0.key }
  }

  /// After a successful build: stores each missed group's objects, and stamps them.
  public func store(_ missed: [Group]) throws {
    for group in missed {
      let objects = try group.steps.map { step in
        PrebuiltStore.StoredObject(
          path: relative(step.object, group), data: try Data(contentsOf: URL(fileURLWithPath: step.object)))
      }
      try store.save(group.key, library: group.label, objects: objects)
      try PrebuiltStore.writeReplacing(group.stamp, Data((group.key + "\n").utf8))
    }
  }

  private func relative(_ object: String, _ group: Group) -> String {
    String(object.dropFirst(group.objectFolder.count + 1))
  }

  /// The stamp names this key and every object is there, none written after the stamp (a
  /// build without the cache, or with other flags, compiles over the objects and leaves the
  /// stamp as it was).
  static func stampMatches(_ group: Group) -> Bool {
    guard let text = try? String(contentsOfFile: group.stamp, encoding: .utf8),
      text == group.key + "\n", let stamped = modified(group.stamp)
    else { return false }
    return group.steps.allSatisfy { step in modified(step.object).map { $0 <= stamped } ?? false }
  }

  /// Modification time in nanoseconds, or nil when missing.
  static func modified(_ path: String) -> Int? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    return info.st_mtim.tv_sec * 1_000_000_000 + info.st_mtim.tv_nsec
  }
}
