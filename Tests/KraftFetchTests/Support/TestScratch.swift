import Foundation
import KraftFetch

/// Temporary folders and small shell helpers for fetch tests. Test fixtures (repositories,
/// archives) are made with the `git` and `tar` programs; kraft itself uses neither.
enum TestScratch {
  static func make(_ label: String) throws -> String {
    let path = NSTemporaryDirectory() + "kraft-fetch-test-\(label)-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    // Exactly 0755, not what the umask says: libgit2 reads the umask by setting it to 0 and
    // back (git_futils_mktmp), so a folder made by another test at that moment would be
    // world-writable, and a cache there is (rightly) refused.
    chmod(path, 0o755)
    created.add(path)
    return path
  }

  /// Every folder made, removed when the test process exits (a musl tree is 10 MB; runs
  /// must not pile them up in /tmp).
  private static let created: CreatedFolders = {
    atexit { TestScratch.created.removeAll() }
    return CreatedFolders()
  }()

  /// Runs a program (by name, through `env`) in `directory`; throws with its output on failure.
  @discardableResult
  static func run(
    _ arguments: [String], in directory: String, environment: [String: String] = [:],
    separateErrors: Bool = false
  ) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    var merged = ProcessInfo.processInfo.environment
    merged.merge(environment) { $1 }
    merged["GIT_AUTHOR_DATE"] = "2024-01-01T00:00:00Z"
    merged["GIT_COMMITTER_DATE"] = "2024-01-01T00:00:00Z"
    process.environment = merged
    let output = Pipe()
    process.standardOutput = output
    process.standardError = separateErrors ? FileHandle.standardError : output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let text = String(decoding: data, as: UTF8.self)
    guard process.terminationStatus == 0 else {
      throw TestFailure("\(arguments.joined(separator: " ")) failed:\n\(text)")
    }
    return text
  }

  static func write(_ text: String, to path: String, executable: Bool = false) throws {
    try FileManager.default.createDirectory(
      atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try text.write(toFile: path, atomically: false, encoding: .utf8)
    if executable { chmod(path, 0o755) }
  }

  /// Entries under a cache folder (`archives/sha256`, `trees`, ...), empty when missing.
  static func entries(_ path: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
  }
}

private final class CreatedFolders: @unchecked Sendable {
  private let lock = NSLock()
  private var paths: [String] = []

  func add(_ path: String) {
    lock.lock()
    paths.append(path)
    lock.unlock()
  }

  func removeAll() {
    lock.lock()
    defer { lock.unlock() }
    for path in paths { try? SourceCache.removeTree(path) }
    paths.removeAll()
  }
}
