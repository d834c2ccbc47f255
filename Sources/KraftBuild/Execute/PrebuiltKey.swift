import Foundation
import KraftBasics

/// The key of one library's objects in the prebuilt store (`PrebuiltStore`): a SHA-256 over
/// everything that decides those objects' bytes, so that equal keys mean equal objects:
///
/// - the compiler's identity (`CompilerIdentity`: its path, size, time and `--version`);
/// - every compile command of the library, in plan order, with the folders that differ between
///   two checkouts of one project written as placeholders (the folder holding the objects, the
///   output folder, the project folder): their objects do not depend on them (release builds
///   map every folder to a fixed name; other builds' debug info may name the folder that
///   compiled first, as with ccache's `base_dir`);
/// - the environment the compilers see (a release's `SOURCE_DATE_EPOCH`, `TZ`, `LC_ALL`);
/// - every file the commands can see: the folders and files the preprocessor is pointed at
///   (`-I`, `-isystem`, `-iquote`, `-idirafter`, `-include`) and each source's folder, as
///   `SharedObjects` finds them. A place inside a port's fetched tree counts by that tree's
///   verified identity (its pinned tree hash, patch set and prepared layer: the fetch layer
///   checks the tree against them on every use); any other place (the kernel's headers, a
///   port's glue folder, the compiler's own headers) by the content hash of every file below
///   (remembered between builds while no file's size or times change: `PlaceHashMemo`).
///
/// Like `SharedObjects`, a header reached only by a relative `#include` that climbs out of
/// every one of those places is not seen.
public struct PrebuiltKey: Sendable {
  public static let version = "kraft prebuilt key 1"

  public var fileSystem: FileSystem
  /// Folders holding verified trees (a prepared port tree), with what identifies their content.
  public var verifiedTrees: [String: String]
  /// Folders named by placeholders in the key, most specific first (`$OBJECTS`, `$OUT`,
  /// `$PROJECT`).
  public var placeholders: [(folder: String, name: String)]
  /// Never read for content (its objects and `config.h` are outputs, not inputs).
  public var outputDirectory: String
  /// Where the content hashes of places outside verified trees are remembered between builds
  /// (`PlaceHashMemo`), or nil to hash every file each time.
  public var memoDirectory: String?
  /// Places already hashed by this key maker: a build's kernel libraries and ports see many
  /// of the same folders (the kernel's headers, the compiler's), each read once per build.
  private var hashedPlaces: [String: [(String, String)]] = [:]

  public init(
    fileSystem: FileSystem, verifiedTrees: [String: String], outputDirectory: String,
    projectDirectory: String
  ) {
    self.fileSystem = fileSystem
    self.verifiedTrees = verifiedTrees
    self.outputDirectory = outputDirectory
    placeholders = [(outputDirectory, "$OUT"), (projectDirectory, "$PROJECT")]
      .sorted { $0.folder.count > $1.folder.count }
  }

  /// The key of `steps` (one library's compiles whose objects are below `objectFolder`).
  public mutating func key(
    of steps: [CompileStep], library: String, objectFolder: String, compiler: String,
    environment: [String: String]
  ) throws -> String {
    var hash = SHA256()
    func line(_ text: String) { hash.update(text + "\n") }
    let names = [(objectFolder, "$OBJECTS")] + placeholders
    line(Self.version)
    line("library " + library)
    line("compiler " + compiler)
    for (name, value) in environment.sorted(by: { $0.key < $1.key }) {
      line("env " + name + "=" + value)
    }
    // Most words are the same in every command of a library: each is normalised once.
    var normalisedWords: [String: String] = [:]
    for step in steps {
      let words = step.command.map { word in
        if let known = normalisedWords[word] { return known }
        let result = Self.normalised(word, names)
        normalisedWords[word] = result
        return result
      }
      line("step " + words.joined(separator: "\u{0}"))
    }
    let places = Set(steps.flatMap(\.visiblePlaces))
    var trees: Set<String> = []
    var hashed: [String] = []
    for place in places.sorted() {
      if let tree = verifiedTrees.keys.first(where: { place == $0 || place.hasPrefix($0 + "/") }) {
        if trees.insert(tree).inserted {
          line("tree " + Self.normalised(tree, names) + " " + verifiedTrees[tree]!)
        }
        continue
      }
      // A folder inside one already hashed adds nothing.
      if hashed.contains(where: { place == $0 || place.hasPrefix($0 + "/") }) { continue }
      hashed.append(place)
      line("place " + Self.normalised(place, names))
      if hashedPlaces[place] == nil { hashedPlaces[place] = try contentHashes(below: place) }
      for (relative, digest) in hashedPlaces[place]! {
        line("  " + relative + "\t" + digest)
      }
    }
    return hash.finalizeHex()
  }

  /// The SHA-256 of `place` (a file) or of every file below it (a folder), by relative path;
  /// nothing when it does not exist. The output folder and `.git` are left out.
  func contentHashes(below place: String) throws -> [(String, String)] {
    guard fileSystem.isDirectory(place) else {
      return fileSystem.exists(place) ? [("", try Self.digest(fileSystem.readData(place)))] : []
    }
    let files = try fileSystem.walkFiles(place) { $0 == outputDirectory || $0.hasSuffix("/.git") }
    let hash = { (file: String) in try Self.digest(fileSystem.readData(place + "/" + file)) }
    if let memoDirectory {
      return try PlaceHashMemo(directory: memoDirectory).hashes(of: place, files: files, hash: hash)
    }
    return try files.map { ($0, try hash($0)) }
  }

  static func digest(_ data: Data) -> String {
    var hash = SHA256()
    data.withUnsafeBytes { hash.update($0) }
    return hash.finalizeHex()
  }

  /// `word` with every occurrence of a named folder (followed by `/`, `=` or nothing, so that
  /// `/a/b` never matches inside `/a/bc`) replaced by its name.
  static func normalised(_ word: String, _ names: [(folder: String, name: String)]) -> String {
    var result = word
    for (folder, name) in names where !folder.isEmpty && result.byteRange(of: folder) != nil {
      var out = ""
      var rest = Substring(result)
      while let range = rest.byteRange(of: folder) {
        let after = rest[range.upperBound...].first
        out += rest[..<range.lowerBound]
        out += (after == nil || after == "/" || after == "=") ? name : folder
        rest = rest[range.upperBound...]
      }
      result = out + rest
    }
    return result
  }
}
