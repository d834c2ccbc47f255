import KraftBasics
import KraftModel

/// Checks, after the link, that libraries use one another only through their export lists
/// (`exports:` in library.yaml). The linker already knows who defines and who uses each
/// symbol: `--cref` appends that table to the link map, so the check costs one pass over a
/// file the build writes anyway. A library without `exports:` is open to all (ports).
public enum ExportCheck {
  /// A use of a symbol that its library does not export.
  public struct Violation: Hashable, Sendable, CustomStringConvertible {
    public var user: String
    public var definer: String
    public var symbol: String
    /// The definer's library.yaml.
    public var manifest: String

    public var description: String {
      "library '\(user)' uses '\(symbol)' of library '\(definer)', which '\(definer)' does not "
        + "export: add it to 'exports:' in \(manifest), or stop using it"
    }
  }

  /// The linker flag that adds the cross-reference table to the map file.
  public static let linkerFlag = "--cref"

  /// `map`: the link map with its cross-reference table; `libraryOfObject`: which library
  /// compiled each object (as the link command names it).
  public static func violations(
    map: String, libraryOfObject: [String: String], libraries: [LibraryManifest]
  ) -> [Violation] {
    let manifests = Dictionary(libraries.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    var found: [Violation] = []
    for entry in crossReferences(map) {
      guard let definer = libraryOfObject[entry.definedIn],
        let exports = manifests[definer]?.exports,
        !exports.contains(where: { GlobPattern($0).matches(entry.symbol) })
      else { continue }
      var users: [String] = []
      for file in entry.usedIn {
        if let user = libraryOfObject[file], user != definer, !users.contains(user) {
          users.append(user)
        }
      }
      for user in users {
        found.append(
          Violation(
            user: user, definer: definer, symbol: entry.symbol,
            manifest: (manifests[definer]?.directory ?? definer) + "/library.yaml"))
      }
    }
    return found
  }

  /// Fails the build with every violation in `target`'s link. The images go too, so that no
  /// image of a failed build is left to boot, and the next build links (and checks) again.
  static func enforce(map: String, target: TargetBuildPlan, fileSystem: FileSystem) throws {
    let libraryOfObject = Dictionary(
      target.compiles.flatMap { step in
        [(step.object, step.library), (ltoObject(of: step.object, linking: target.debugImage), step.library)]
      }, uniquingKeysWith: { first, _ in first })
    let found = violations(
      map: map, libraryOfObject: libraryOfObject, libraries: target.resolution.libraries)
    guard !found.isEmpty else { return }
    for image in [target.image, target.debugImage] where fileSystem.exists(image) {
      try fileSystem.remove(image)
    }
    throw BuildFailure(
      message: "linking '\(target.debugImage)' used symbols that are not exported:\n"
        + found.map(\.description).joined(separator: "\n"))
  }

  /// The name ld.lld gives the object ThinLTO's backend makes from bitcode `object` when it
  /// links `output` (`lto: thin` libraries): beside the input, `<output's name>.lto.<input's
  /// name>`. The map and its cross references name that file, not the compiled one.
  static func ltoObject(of object: String, linking output: String) -> String {
    let slash = object.lastIndex(of: "/").map { object.index(after: $0) } ?? object.startIndex
    let outputName = output[
      (output.lastIndex(of: "/").map { output.index(after: $0) } ?? output.startIndex)...]
    return object[..<slash] + outputName + ".lto." + object[slash...]
  }

  struct CrossReference: Equatable {
    var symbol: String
    var definedIn: String
    var usedIn: [String]
  }

  /// The "Cross Reference Table" of an ld.lld or GNU ld map: a line per symbol (name, then the
  /// defining file), then one indented line per file that uses it.
  static func crossReferences(_ map: String) -> [CrossReference] {
    var entries: [CrossReference] = []
    // The table is the map's last tenth or so: splitting the memory map above it into lines
    // was most of this check's time (musl: 11,000 lines).
    let title = "Cross Reference Table"
    var table = Substring(map)
    if map.hasPrefix(title) {
      table = table.dropFirst(title.count)
    } else if let found = map.byteRange(of: "\n" + title) {
      table = map[found.upperBound...]
    } else {
      return []
    }
    for (index, line) in table.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
      // The rest of the title's line.
      if index == 0, !table.hasPrefix("\n") { continue }
      if line.hasPrefix("Symbol ") { continue }
      if line.first == " " {
        let file = line.drop(while: { $0 == " " })
        if !file.isEmpty, !entries.isEmpty { entries[entries.count - 1].usedIn.append(String(file)) }
        continue
      }
      let symbol = line.prefix(while: { $0 != " " })
      let file = line.dropFirst(symbol.count).drop(while: { $0 == " " })
      entries.append(CrossReference(symbol: String(symbol), definedIn: String(file), usedIn: []))
    }
    return entries
  }
}
