import Foundation
import KraftBasics
import KraftModel

/// The prepared layer: a port's patched tree plus the files its `prepare:` step generates,
/// cached under `prepared/<key>/` where the key hashes everything that can change the result
/// (tree, patch set, the step's text and inputs, each tool's version). The layer's own tree
/// hash is the `prepared-tree` pin: the same tools give the same bytes on every machine, and
/// a tool that changes the output is an error naming the tools and the first file that differs.
extension SourceFetcher {
  struct PreparedLayer {
    var directory: String
    var treeHash: String
    var tools: [PreparedTool]
  }

  func prepareLayer(
    _ step: PrepareStep, patched: String, request: SourceRequest, treeHash: String,
    repaired: inout Bool
  ) throws -> PreparedLayer {
    let tools = try PrepareEnvironment.probe(step.tools, port: request.name, runner: runner)
    let key = Self.preparedKey(
      step, treeHash: treeHash, patchSetHash: request.patches.hash, tools: tools)
    let final = cache.preparedPath(key: key)
    return try cache.withLock("prepared-" + key.prefix(32)) {
      let expected = request.pin.preparedTree
      if try usable(final, expected: expected, name: request.name, repaired: &repaired),
        let hash = cache.verifiedHash(entry: final)
      {
        return PreparedLayer(directory: final, treeHash: hash, tools: tools)
      }
      let started = Date()
      progress?.note("'\(request.name)': preparing (\(step.tools.joined(separator: ", ")))")
      let scratch = try cache.temporaryPath("prepare")
      defer { try? SourceCache.removeTree(scratch) }
      try cache.fileSystem.copy(patched, to: scratch)
      // The lines of the patched tree (what the scratch copy starts as), hashed on another
      // core while the step runs: the step's tools are mostly single-threaded.
      let hashing = BackgroundResult { try TreeHash.lines(directory: patched) }
      try runStep(step, in: scratch, name: request.name)
      let before = Dictionary(uniqueKeysWithValues: try hashing.wait().map { ($0.path, $0.line) })
      let kept = try keepOutputs(step, in: scratch, before: before, name: request.name)
      let actual = TreeHash.hash(lines: kept.map(\.line))
      let made = kept.filter { before[$0.path] != $0.line }
      if let expected, expected != actual {
        throw mismatch(request.name, expected: expected, actual: actual, made: made, tools: tools)
      }
      try writeIndex(cache.preparedIndexPath(preparedTree: actual), made: made, tools: tools)
      try cache.install(scratch, at: final)
      try cache.markVerified(entry: final, treeHash: actual)
      let seconds = Date().timeIntervalSince(started)
      progress?.note("'\(request.name)': prepared in \(String(format: "%.1f", seconds)) s")
      return PreparedLayer(directory: final, treeHash: actual, tools: tools)
    }
  }

  static func preparedKey(
    _ step: PrepareStep, treeHash: String, patchSetHash: String?, tools: [PreparedTool]
  ) -> String {
    var text = "tree \(treeHash)\npatches \(patchSetHash ?? "none")\n" + step.identity
    for tool in tools { text += "tool-version \(tool.name) \(tool.version)\n" }
    return SHA256.hex(of: text)
  }

  private func runStep(_ step: PrepareStep, in directory: String, name: String) throws {
    let isolate = PrepareEnvironment.canIsolateNetwork(runner: runner)
    if !isolate {
      progress?.note(
        "'\(name)': the 'prepare:' step runs with the host's network ('unshare -n' needs root)")
    }
    let command = PrepareEnvironment.command(
      script: step.run, inputs: step.inputs, directory: directory, isolateNetwork: isolate)
    let result = try runner.capture(command)
    guard result.status == 0 else {
      let output = (result.stdout + result.stderr).split(whereSeparator: \.isNewline).suffix(15)
      throw FetchError(
        .fetchFailed,
        "the 'prepare:' step of '\(name)' failed (status \(result.status)); its last output:\n"
          + output.map { "  " + $0 }.joined(separator: "\n")
          + "\nnothing was added to the cache; fix the step in the port's 'port.yaml'")
    }
  }

  /// Removes from `directory` every file the step made that is not an output, and returns the
  /// lines (TreeHash) of what remains. Upstream files must come through unchanged unless they
  /// are outputs; every output pattern must match a file.
  private func keepOutputs(
    _ step: PrepareStep, in directory: String, before: [String: String], name: String
  ) throws -> [(path: String, line: String)] {
    let patterns = step.outputs.map(GlobPattern.init)
    var kept: [(path: String, line: String)] = []
    var matched = Set<Int>()
    let after = try TreeHash.lines(directory: directory)
    for entry in after {
      let output = patterns.indices.filter { patterns[$0].matches(entry.path) }
      if !output.isEmpty {
        matched.formUnion(output)
        kept.append(entry)
      } else if let original = before[entry.path] {
        guard original == entry.line else {
          throw FetchError(
            .fetchFailed,
            "the 'prepare:' step of '\(name)' changed the upstream file '\(entry.path)', which "
              + "is not among its 'outputs'; list it there or leave it alone")
        }
        kept.append(entry)
      } else {
        try cache.fileSystem.remove(directory + "/" + entry.path)
      }
    }
    let present = Set(after.map(\.path))
    if let gone = before.keys.sorted().first(where: { !present.contains($0) }) {
      throw FetchError(
        .fetchFailed,
        "the 'prepare:' step of '\(name)' removed the upstream file '\(gone)'; a step may only "
          + "add or regenerate files")
    }
    if let unused = step.outputs.indices.first(where: { !matched.contains($0) }) {
      throw FetchError(
        .fetchFailed,
        "the 'prepare:' step of '\(name)' made nothing matching its output '\(step.outputs[unused])'")
    }
    if let list = step.sourcesList, !kept.contains(where: { $0.path == list }) {
      throw FetchError(
        .fetchFailed,
        "the 'prepare:' step of '\(name)' did not keep its 'sources-list' '\(list)'; write it and "
          + "list it under 'outputs'")
    }
    Self.removeEmptyFolders(directory, fileSystem: cache.fileSystem)
    return kept
  }

  /// Folders left empty once the step's other files are gone (build folders and the like).
  private static func removeEmptyFolders(_ directory: String, fileSystem: any FileSystem) {
    guard let names = try? fileSystem.list(directory) else { return }
    for name in names {
      let path = directory + "/" + name
      guard fileSystem.status(path)?.kind == .directory else { continue }
      removeEmptyFolders(path, fileSystem: fileSystem)
      if (try? fileSystem.list(path))?.isEmpty == true { try? fileSystem.remove(path) }
    }
  }

  /// `prepared-index/<tree hex>`: the tools and the lines of the files a step made, so that a
  /// later preparation giving another hash can say which file and which tool differ.
  private func writeIndex(_ path: String, made: [(path: String, line: String)], tools: [PreparedTool])
    throws
  {
    try cache.makeFolder((path as NSString).deletingLastPathComponent)
    let text = tools.map { "tool \($0.name) \($0.version)\n" }.joined() + made.map(\.line).joined()
    let temporary = path + ".tmp.\(getpid())"
    try text.write(toFile: temporary, atomically: false, encoding: .utf8)
    guard rename(temporary, path) == 0 else {
      unlink(temporary)
      throw FetchError.failed("cannot write '\(path)': \(String(cString: strerror(errno)))")
    }
  }

  private func mismatch(
    _ name: String, expected: String, actual: String, made: [(path: String, line: String)],
    tools: [PreparedTool]
  ) -> FetchError {
    var lines = [
      "the 'prepare:' step of '\(name)' made files other than its pin says",
      "  expected (prepared-tree): \(expected)",
      "  actual:                   \(actual)",
    ]
    let index =
      (try? cache.fileSystem.readText(cache.preparedIndexPath(preparedTree: expected)))
      .map { $0.split(separator: "\n").map(String.init) }
    if let index {
      let pinnedTools = index.filter { $0.hasPrefix("tool ") }
      let pinnedFiles = index.filter { !$0.hasPrefix("tool ") }.map { $0 + "\n" }
      if let file = Self.firstDifference(pinnedFiles, made.map(\.line)) {
        lines.append("  first differing file: \(file)")
      }
      for tool in tools {
        let now = "tool \(tool.name) \(tool.version)"
        if let was = pinnedTools.first(where: { $0.hasPrefix("tool \(tool.name) ") }), was != now {
          lines.append(
            "  tool '\(tool.name)': '\(tool.version)' here, '\(was.dropFirst(6 + tool.name.count))' "
              + "when the pinned tree was made")
        }
      }
    } else {
      lines.append("  (this cache holds no earlier preparation of the pinned tree to compare files with)")
      if let first = made.first { lines.append("  first generated file: \(first.path)") }
    }
    lines.append(
      "  tools used: " + tools.map { "\($0.name) (\($0.version))" }.joined(separator: ", "))
    lines.append(
      "another version of one of these tools (or a change to the step or its inputs) changes the "
        + "generated files; use the tools the pin was made with, or if the change is intended "
        + "update 'prepared-tree' in the recipe ('kraft lock --update \(name)' for the lockfile); "
        + "nothing was added to the cache")
    return FetchError(.verificationFailed, lines.joined(separator: "\n"))
  }

  /// The path of the first file present in one list of TreeHash lines and absent or different
  /// in the other, in path order.
  static func firstDifference(_ was: [String], _ now: [String]) -> String? {
    func byPath(_ lines: [String]) -> [String: String] {
      Dictionary(
        lines.map {
          (String($0.split(separator: " ", maxSplits: 2).last ?? "").trimmingCharacters(in: .newlines), $0)
        },
        uniquingKeysWith: { first, _ in first })
    }
    let old = byPath(was)
    let new = byPath(now)
    return Set(old.keys).union(new.keys).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
      .first { old[$0] != new[$0] }
  }
}

/// A computation on a background thread, waited for when its value is needed. Unchecked:
/// `result` is written once by the thread before `done` is signalled and read only after `wait`.
private final class BackgroundResult<Value: Sendable>: @unchecked Sendable {
  private let done = DispatchSemaphore(value: 0)
  private var result: Result<Value, Error>?

  init(_ body: @escaping @Sendable () throws -> Value) {
    Thread.detachNewThread { [self] in
      result = Result(catching: body)
      done.signal()
    }
  }

  /// Waits once; the value or the error it threw.
  func wait() throws -> Value {
    done.wait()
    return try result!.get()
  }
}
