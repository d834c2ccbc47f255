import Foundation
import KraftBasics

/// Reusing whole ports' objects (issue 18's warm-cache goal): a warm build of a fresh musl
/// project is 1,363 ccache hits, one process each, which alone costs more than the goal. So
/// before ninja runs, each port's compiles (per folder holding their objects: a target's, or
/// the folder several targets share) get a `PrebuiltKey`; when the `PrebuiltStore` holds that
/// key, the objects are linked into the build folder and ninja gets no compile step for them
/// (the link is unchanged, so the image is the one compiling gives). Otherwise ninja compiles
/// them as always (through ccache), and after a successful build they are stored.
///
/// A stamp beside the objects (`obj/<library>.prebuilt`), written after them, records which
/// key they hold, so an unchanged library is not written again (which would make ninja link
/// again); it is removed before ninja compiles that library, so a build that fails half-way
/// leaves no stamp behind, and it counts only while no object is newer than it.
public struct PrebuiltLibraries: Sendable {
  public var store: PrebuiltStore
  public var runner: ProcessRunner

  public init(store: PrebuiltStore, runner: ProcessRunner) {
    self.store = store
    self.runner = runner
  }

  /// One port's compiles whose objects share one folder.
  public struct Group: Hashable, Sendable {
    public var library: String
    /// The target's (or the shared) folder; objects are below `<objectFolder>/obj/<library>/`.
    public var objectFolder: String
    public var steps: [CompileStep]
    public var key: String

    var stamp: String { objectFolder + "/obj/" + library + ".prebuilt" }
  }

  public struct Decision: Sendable {
    public var reused: [Group] = []
    public var missed: [Group] = []
    /// Entries found damaged (and removed), with why.
    public var damaged: [(library: String, reason: String)] = []
    public var reusedObjects: Set<String> { Set(reused.flatMap { $0.steps.map(\.object) }) }
  }

  /// The groups of `plan`'s compiles of `libraries` (ports), in plan order, with their keys.
  public func groups(
    _ plan: BuildPlan, libraries: Set<String>, keying: PrebuiltKey, environment: [String: String]
  ) throws -> [Group] {
    var seen: Set<String> = []
    var order: [String] = []
    var members: [String: (library: String, folder: String, steps: [CompileStep])] = [:]
    for step in plan.targets.flatMap(\.compiles)
    where libraries.contains(step.library) && seen.insert(step.object).inserted {
      guard step.object.hasPrefix(plan.outputDirectory + "/") else { continue }
      let below = step.object.dropFirst(plan.outputDirectory.count + 1)
      guard let slash = below.firstIndex(of: "/") else { continue }
      let folder = plan.outputDirectory + "/" + below[..<slash]
      guard step.object.hasPrefix(folder + "/obj/" + step.library + "/") else { continue }
      let id = step.library + "\u{0}" + folder
      if members[id] == nil { order.append(id) }
      members[id, default: (step.library, folder, [])].steps.append(step)
    }
    var identities: [String: String] = [:]
    return try order.map { id in
      let (library, folder, steps) = members[id]!
      let compiler = steps[0].command[0]
      if identities[compiler] == nil {
        identities[compiler] = try CompilerIdentity.of(compiler, runner: runner)
      }
      return Group(
        library: library, objectFolder: folder, steps: steps,
        key: try keying.key(
          of: steps, library: library, objectFolder: folder, compiler: identities[compiler]!,
          environment: environment))
    }
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
        decision.damaged.append((group.library, reason))
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
  /// by `FileLock`'s unlock (or when the process ends, as `flock` locks are).
  public func claim(_ groups: [Group], waiting: @escaping (Group) -> Void) throws -> [FileLock] {
    var claims: [FileLock] = []
    var seen: Set<String> = []
    for group in groups.sorted(by: { $0.key < $1.key }) where seen.insert(group.key).inserted {
      claims.append(
        try FileLock(path: store.directory + "/claims/" + group.key, waiting: { waiting(group) }))
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

  /// After a successful build: stores each missed group's objects, and stamps them.
  public func store(_ missed: [Group]) throws {
    for group in missed {
      let objects = try group.steps.map { step in
        PrebuiltStore.StoredObject(
          path: relative(step.object, group), data: try Data(contentsOf: URL(fileURLWithPath: step.object)))
      }
      try store.save(group.key, library: group.library, objects: objects)
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
