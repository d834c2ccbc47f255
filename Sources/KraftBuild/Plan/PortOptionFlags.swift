import KraftBasics
import KraftModel

/// Ports' and kernel libraries' compiles get only the option flags their files can read.
/// Every resolved option is a `-D` flag of every compile (`ConfigHeader.flags`), so without
/// this a musl file compiled for two projects that differ in an option musl never reads (the
/// application's name, a network driver) has two commands: ccache misses it in direct mode
/// and runs the preprocessor, and the prebuilt store, keyed by the commands, misses the whole
/// library. A flag whose macro no file the compile can see mentions (`OptionMentions`) cannot
/// change its object, so it is left out; `config.h` keeps every option.
///
/// What a library's compile can see: the places its command names for the preprocessor and
/// its source's folder (`CompileStep.visiblePlaces`), and the whole of the port's tree or
/// recipe folder, or the kernel library's folder, whichever holds the source (so a relative
/// `#include "../x.h"` inside it is covered). A place inside any port's tree counts as that
/// whole tree, whose names a `TreeMentionMemo` may remember by the tree's verified identity,
/// so that a large tree (CPython's 5,000 files) is read once, not on every build; a
/// `PlaceMentionMemo` remembers the other places' (the compiler's 16 MB of headers). The
/// application keeps every flag (its sources are the project's, and its `Makefile.uk` reads
/// options itself).
public struct PortOptionFlags {
  public var fileSystem: FileSystem
  public var memo: TreeMentionMemo?
  public var placeMemo: PlaceMentionMemo?

  public init(fileSystem: FileSystem, memo: TreeMentionMemo?, placeMemo: PlaceMentionMemo? = nil) {
    self.fileSystem = fileSystem
    self.memo = memo
    self.placeMemo = placeMemo
  }

  /// `plan` with each library compile's unread option flags left out. `sourceRoots` are the
  /// ports' prepared trees by name (`BuildRequest.sourceRoots`).
  public func apply(to plan: BuildPlan, sourceRoots: [String: String]) throws -> BuildPlan {
    var copy = plan
    var places = PlaceMentions(
      fileSystem: fileSystem, outputDirectory: plan.outputDirectory,
      trees: Array(Set(sourceRoots.values)).map(Self.normalised), treeMemo: memo, placeMemo: placeMemo)
    for (index, target) in plan.targets.enumerated() {
      let libraries = Dictionary(
        target.resolution.libraries.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
      // Each option flag by its macro's name.
      var flagsByName: [String: String] = [:]
      for flag in ConfigHeader.flags(target.resolution) {
        flagsByName[String(flag.dropFirst(2).prefix { $0 != "=" })] = flag
      }
      // Compiles that see the same places read the same names (musl's 1,342 see about a
      // hundred sets), so each set is looked at once: nil keeps every flag.
      var unreadBySight: [[String]: Set<String>?] = [:]
      for (position, step) in target.compiles.enumerated() {
        guard let library = libraries[step.library] else { continue }
        // A relative include reaches the rest of the folder the source is in: the port's tree
        // for upstream sources, its recipe folder for glue (a glue file's options, such as
        // musl's main stack size, do not tie every upstream file to them), a kernel library's
        // own folder.
        var seen = step.visiblePlaces
        for folder in [sourceRoots[library.name], library.directory].compactMap({ $0 })
        where step.source.hasPrefix(folder + "/") {
          seen.append(folder)
        }
        let unread: Set<String>?
        if let known = unreadBySight[seen] {
          unread = known
        } else {
          unread = try unreadFlags(
            seen: seen, flagsByName: flagsByName, places: &places, output: plan.outputDirectory)
          unreadBySight[seen] = unread
        }
        guard let unread, !unread.isEmpty else { continue }
        copy.targets[index].compiles[position].command = step.command.filter { !unread.contains($0) }
      }
    }
    return copy
  }

  /// The option flags no file in `seen` mentions, or nil when the compile keeps every flag:
  /// the output folder holds config.h, which names every option, and is never scanned, so a
  /// compile that can reach into it keeps them all.
  private func unreadFlags(
    seen: [String], flagsByName: [String: String], places: inout PlaceMentions, output: String
  ) throws -> Set<String>? {
    if seen.map(Self.normalised).contains(where: {
      $0 == output || $0.hasPrefix(output + "/") || output.hasPrefix($0 + "/")
    }) {
      return nil
    }
    var mentioned: Set<String> = []
    for place in seen { mentioned.formUnion(try places.names(in: place)) }
    if mentioned.contains(OptionMentions.everyOption) { return nil }
    return Set(flagsByName.filter { !mentioned.contains($0.key) }.values)
  }

  /// `path` without `.` components, and with each `name/..` pair taken out (the kernel's
  /// `lib/kcore/../../include`), so a place is found inside the tree it is in.
  static func normalised(_ path: String) -> String {
    var parts: [Substring] = []
    for part in path.split(separator: "/", omittingEmptySubsequences: true) {
      if part == "." { continue }
      if part == "..", let last = parts.last, last != ".." {
        parts.removeLast()
        continue
      }
      parts.append(part)
    }
    return (path.hasPrefix("/") ? "/" : "") + parts.joined(separator: "/")
  }
}

/// Remembers which option names a verified port tree mentions, by the tree's identity, so a
/// tree is read once and not on every build. Answers nothing for a tree it cannot identify.
public protocol TreeMentionMemo: Sendable {
  func recalled(tree: String) -> Set<String>?
  func remember(_ names: Set<String>, tree: String)
}

/// Remembers which option names a place outside every port tree mentions (the kernel's
/// folders, the compiler's headers) with the exact files it held, believed only while none of
/// them changed.
public protocol PlaceMentionMemo: Sendable {
  /// The names remembered for `place` with exactly `files`, or nil; then `remember`, called
  /// with the names once the files are read, keeps them for the next plan (what it checks the
  /// files by is taken now, before they are read).
  func recall(place: String, files: [String]) -> (names: Set<String>?, remember: (Set<String>) -> Void)
}
