import KraftBasics

/// The option names (`OptionMentions`) the files below each place mention, each place read
/// once per plan. A place inside one of `trees` (ports' trees) counts as that whole tree,
/// whose names `memo` may remember between plans; `SharedObjects` passes no trees and reads
/// each place alone.
struct PlaceMentions {
  let fileSystem: FileSystem
  let outputDirectory: String
  let trees: [String]
  let memo: TreeMentionMemo?
  private var known: [String: Set<String>] = [:]

  init(fileSystem: FileSystem, outputDirectory: String, trees: [String], memo: TreeMentionMemo?) {
    self.fileSystem = fileSystem
    self.outputDirectory = outputDirectory
    self.trees = trees
    self.memo = memo
  }

  mutating func names(in place: String) throws -> Set<String> {
    let plain = PortOptionFlags.normalised(place)
    let tree = trees.first { plain == $0 || plain.hasPrefix($0 + "/") }
    let key = tree ?? place
    if let answer = known[key] { return answer }
    var found: Set<String>
    if let tree, let recalled = memo?.recalled(tree: tree) {
      found = recalled
    } else {
      let files = try OptionMentions.files(below: key, in: fileSystem, skipping: outputDirectory)
      // Outside a tree, a place's files are known by their `lstat` records (the compiler's
      // 16 MB of headers were read on every build).
      let records = tree == nil && memo != nil ? files.map { ($0, PlaceHashMemo.record($0)) } : []
      if tree == nil, let recalled = memo?.recalled(place: key, records: records) {
        found = recalled
      } else {
        found = []
        for file in files {
          guard let data = try? fileSystem.readData(file) else { continue }
          found.formUnion(OptionMentions.names(in: data))
        }
        if let tree {
          memo?.remember(found, tree: tree)
        } else {
          memo?.remember(found, place: key, records: records)
        }
      }
    }
    known[key] = found
    return found
  }
}
