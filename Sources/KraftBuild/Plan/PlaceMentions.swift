import KraftBasics

/// The option names (`OptionMentions`) the files below each place mention, each place read
/// once per plan. A place inside one of `trees` (ports' trees) counts as that whole tree,
/// whose names `treeMemo` may remember between plans; any other place's names `placeMemo`
/// may. `SharedObjects` passes no trees and no memos and reads each place alone.
struct PlaceMentions {
  let fileSystem: FileSystem
  let outputDirectory: String
  let trees: [String]
  let treeMemo: TreeMentionMemo?
  let placeMemo: PlaceMentionMemo?
  private var known: [String: Set<String>] = [:]

  init(
    fileSystem: FileSystem, outputDirectory: String, trees: [String], treeMemo: TreeMentionMemo?,
    placeMemo: PlaceMentionMemo?
  ) {
    self.fileSystem = fileSystem
    self.outputDirectory = outputDirectory
    self.trees = trees
    self.treeMemo = treeMemo
    self.placeMemo = placeMemo
  }

  mutating func names(in place: String) throws -> Set<String> {
    let plain = PortOptionFlags.normalised(place)
    let tree = trees.first { plain == $0 || plain.hasPrefix($0 + "/") }
    let key = tree ?? place
    if let answer = known[key] { return answer }
    let found = try tree.map(namesOfTree) ?? namesOfPlace(place)
    known[key] = found
    return found
  }

  private func namesOfTree(_ tree: String) throws -> Set<String> {
    if let recalled = treeMemo?.recalled(tree: tree) { return recalled }
    let names = try read(files(below: tree))
    treeMemo?.remember(names, tree: tree)
    return names
  }

  private func namesOfPlace(_ place: String) throws -> Set<String> {
    let files = try files(below: place)
    guard let placeMemo else { return read(files) }
    let recall = placeMemo.recall(place: place, files: files)
    if let names = recall.names { return names }
    let names = read(files)
    recall.remember(names)
    return names
  }

  private func files(below place: String) throws -> [String] {
    try OptionMentions.files(below: place, in: fileSystem, skipping: outputDirectory)
  }

  private func read(_ files: [String]) -> Set<String> {
    var found: Set<String> = []
    for file in files {
      guard let data = try? fileSystem.readData(file) else { continue }
      found.formUnion(OptionMentions.names(in: data))
    }
    return found
  }
}
