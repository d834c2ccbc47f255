import Foundation
import Glibc
import KraftTestSupport
import Testing

/// The compile cache never hands out a wrong object: what changes an object (a header, the
/// compiler, an option) misses, a damaged entry is detected and compiled again, builds sharing
/// one cache at once agree, and a size bound evicts. On a small project (helloworld with a
/// header of its own, nolibc: about 60 compiles), each check against an uncached build's bytes.
@Suite(
  .serialized, .tags(.slow), .slowTier,
  .enabled(
    if: FileManager.default.isExecutableFile(atPath: "/usr/bin/ccache"),
    "needs ccache (scripts/install-deps.sh)"))
struct CompileCacheCorrectnessTests {
  typealias Build = CompileCacheBuildTests

  /// helloworld whose greeting comes from a header of the project's own.
  static func project() throws -> ScratchProject {
    let project = try ScratchProject(copying: "examples/helloworld")
    try "#define GREETING \"Hello from a header\"\n".write(
      to: project.url.appendingPathComponent("greeting.h"), atomically: true, encoding: .utf8)
    try """
    #include <stdio.h>
    #include "greeting.h"

    int main(void)
    {
    \tprintf("%s\\n", GREETING);
    \treturn 0;
    }

    """.write(to: project.url.appendingPathComponent("main.c"), atomically: true, encoding: .utf8)
    return project
  }

  /// `kraft build` with extra arguments; the counts of its summary.
  static func build(
    _ project: ScratchProject, cache: URL, _ arguments: [String] = [], _ environment: [String: String] = [:]
  ) throws -> (compiled: Int, cached: Int, remote: Int, reused: Int) {
    try build(at: project.url, cache: cache, arguments, environment)
  }

  static func build(
    at folder: URL, cache: URL, _ arguments: [String] = [], _ environment: [String: String] = [:]
  ) throws -> (compiled: Int, cached: Int, remote: Int, reused: Int) {
    let result = try KraftProcess.run(
      ["build", "-t", "qemu/x86_64"] + arguments, in: folder,
      environment: ["KRAFT_CACHE_DIR": cache.path, "KRAFT_COMPILE_CACHE": "on"].merging(environment) { $1 })
    #expect(result.status == 0, "\(result.output)")
    let counts = try #require(Build.counts(result.stdout), "\(result.output)")
    return (counts.0, counts.1, counts.2, Build.reused(result.stdout))
  }

  /// The image of the same folder rebuilt from scratch without the cache.
  static func uncachedImage(_ project: ScratchProject, cache: URL, _ arguments: [String] = []) throws -> Data
  {
    let result = try KraftProcess.run(
      ["build", "-t", "qemu/x86_64", "--no-cache", "--no-compile-cache"] + arguments, in: project.url,
      environment: ["KRAFT_CACHE_DIR": cache.path])
    #expect(result.status == 0, "\(result.output)")
    return try Build.image(project)
  }

  /// ccache's own counters for a cache folder (`ccache --print-stats`).
  static func ccacheStats(_ cache: URL) throws -> [String: Int] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/ccache")
    process.arguments = ["--print-stats"]
    process.environment = [
      "CCACHE_DIR": cache.appendingPathComponent("ccache").path,
      "CCACHE_CONFIGPATH": cache.appendingPathComponent("ccache/kraft-ccache.conf").path,
    ]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    var stats: [String: Int] = [:]
    for line in text.split(separator: "\n") {
      let fields = line.split(separator: "\t")
      if fields.count == 2, let value = Int(fields[1]) { stats[String(fields[0])] = value }
    }
    return stats
  }

  /// Result entries of a ccache folder (the `…R` files; `…M` are direct-mode manifests).
  static func resultEntries(_ cache: URL) -> [URL] {
    let folder = cache.appendingPathComponent("ccache")
    guard let walk = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) else {
      return []
    }
    return walk.compactMap { $0 as? URL }.filter { $0.lastPathComponent.hasSuffix("R") }
  }

  @Test func aChangedHeaderCompilerOrOptionIsAMissAndEveryImageEqualsAnUncachedOne() throws {
    let cache = try Build.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: cache) }
    // The compiler is a wrapper of the real clang, so the test can "upgrade" it.
    let compiler = cache.appendingPathComponent("bin/clang")
    try FileManager.default.createDirectory(
      at: compiler.deletingLastPathComponent(), withIntermediateDirectories: true)
    try "#!/bin/sh\nexec /opt/swift/usr/bin/clang \"$@\"\n".write(
      to: compiler, atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: compiler.path)
    let withCompiler = ["--compiler", compiler.path]
    let first = try Self.project()
    let second = try Self.project()

    let cold = try Self.build(first, cache: cache, withCompiler)
    #expect(cold.compiled > 10 && cold.cached == 0, "\(cold)")
    let warm = try Self.build(second, cache: cache, withCompiler)
    // The kernel libraries whole from the prebuilt store, the application from ccache.
    #expect(warm.reused > 10 && warm.compiled + warm.reused == cold.compiled, "\(warm)")
    #expect(warm.cached == warm.compiled, "\(warm)")

    // A header: the one source including it compiles again, and misses.
    try "#define GREETING \"Hello from a changed header\"\n".write(
      to: second.url.appendingPathComponent("greeting.h"), atomically: true, encoding: .utf8)
    let header = try Self.build(second, cache: cache, withCompiler)
    #expect(header.compiled == 1 && header.cached == 0, "\(header)")

    // The compiler: same path and command, another binary (ccache checks its size and time).
    try "#!/bin/sh\n# upgraded\nexec /opt/swift/usr/bin/clang \"$@\"\n".write(
      to: compiler, atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: compiler.path)
    let upgraded = try Self.build(second, cache: cache, withCompiler + ["--no-cache"])
    #expect(upgraded.compiled == cold.compiled && upgraded.cached == 0, "\(upgraded)")

    // An option: every command of a file that can see it changes (-D flags), so those compile
    // again (a kernel library whose files never mention it is reused whole); kprint.c, whose
    // code the option changes, misses (files it does not change may be answered: same
    // preprocessed input, same object), and the image is the one an uncached build makes.
    let kraftfile = second.url.appendingPathComponent("Kraftfile")
    let text = try String(contentsOf: kraftfile, encoding: .utf8)
    try text.replacingOccurrences(
      of: "  - qemu/x86_64\n",
      with:
        "  - platform: qemu\n    architecture: x86_64\n    kconfig:\n      - CONFIG_KCORE_LOG_LEVEL=debug\n"
    ).write(to: kraftfile, atomically: true, encoding: .utf8)
    let option = try Self.build(second, cache: cache, withCompiler)
    #expect(option.compiled + option.reused == cold.compiled && option.cached < option.compiled, "\(option)")
    let optionImage = try Build.image(second)
    #expect(optionImage != (try Build.image(first)))
    #expect(optionImage == (try Self.uncachedImage(second, cache: cache, withCompiler)))
  }

  @Test func aDamagedEntryIsDetectedAndCompiledAgain() throws {
    let cache = try Build.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: cache) }
    let first = try Self.project()
    let cold = try Self.build(first, cache: cache)
    let expected = try Build.image(first)

    // One byte of every result entry flipped (ccache checksums each entry with XXH3).
    let entries = Self.resultEntries(cache)
    #expect(entries.count == cold.compiled, "\(entries.count) entries for \(cold.compiled) compiles")
    for entry in entries {
      var bytes = try Data(contentsOf: entry)
      bytes[bytes.count / 2] ^= 0xff
      try bytes.write(to: entry)
    }
    // Without the prebuilt store's entries, so that every compile goes to ccache.
    let prebuilt = cache.appendingPathComponent("prebuilt")
    try FileManager.default.removeItem(at: prebuilt)
    let damaged = try Self.build(first, cache: cache, ["--no-cache"])
    #expect(damaged.compiled == cold.compiled && damaged.cached == 0, "\(damaged)")
    #expect(try Build.image(first) == expected)

    // The entries were written again: the next build is answered in full.
    try FileManager.default.removeItem(at: prebuilt)
    let repaired = try Self.build(first, cache: cache, ["--no-cache"])
    #expect(repaired.cached == cold.compiled, "\(repaired)")
    #expect(try Build.image(first) == expected)
  }

  @Test func twoBuildsSharingOneEmptyCacheAtOnceAgree() throws {
    let cache = try Build.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: cache) }
    let projects = [try Self.project(), try Self.project()]
    let results = Results()
    let folders = projects.map(\.url)
    DispatchQueue.concurrentPerform(iterations: 2) { index in
      let outcome = Result { try Self.build(at: folders[index], cache: cache) }
      results.set(index, outcome)
    }
    let counts = try results.all().map { try $0.get() }
    // The second may have waited for the first's claim on a kernel library and reused it.
    #expect(counts[0].compiled + counts[0].reused == counts[1].compiled + counts[1].reused, "\(counts)")
    #expect(try Build.image(projects[0]) == Build.image(projects[1]))

    let third = try Self.project()
    let warm = try Self.build(third, cache: cache)
    #expect(
      warm.cached == warm.compiled && warm.compiled + warm.reused == counts[0].compiled + counts[0].reused,
      "\(warm)")
    #expect(try Build.image(third) == Build.image(projects[0]))
    #expect(try Self.ccacheStats(cache)["internal_error", default: 0] == 0)
  }

  @Test func aSmallCacheEvictsAndStaysWithinItsSize() throws {
    let cache = try Build.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: cache) }
    let size = ["KRAFT_COMPILE_CACHE_SIZE": "200K"]
    let first = try Self.project()
    let cold = try Self.build(first, cache: cache, [], size)
    let stats = try Self.ccacheStats(cache)
    #expect(stats["cleanups_performed", default: 0] > 0, "\(stats)")
    #expect(stats["cache_size_kibibyte", default: .max] <= 200_000 / 1024, "\(stats)")
    #expect(Self.resultEntries(cache).count < cold.compiled)

    // What was evicted compiles again (through ccache: the prebuilt store's entries, bounded
    // alike, are set aside); the image is the same.
    try? FileManager.default.removeItem(at: cache.appendingPathComponent("prebuilt"))
    let second = try Self.project()
    let again = try Self.build(second, cache: cache, [], size)
    #expect(again.compiled == cold.compiled && again.cached < again.compiled, "\(again)")
    #expect(try Build.image(second) == Build.image(first))
  }
}

/// The outcomes of concurrent builds, one slot each.
private final class Results: @unchecked Sendable {
  private let lock = NSLock()
  private var outcomes: [Int: Result<(compiled: Int, cached: Int, remote: Int, reused: Int), Error>] = [:]

  func set(_ index: Int, _ outcome: Result<(compiled: Int, cached: Int, remote: Int, reused: Int), Error>) {
    lock.lock()
    defer { lock.unlock() }
    outcomes[index] = outcome
  }

  func all() -> [Result<(compiled: Int, cached: Int, remote: Int, reused: Int), Error>] {
    lock.lock()
    defer { lock.unlock() }
    return outcomes.keys.sorted().map { outcomes[$0]! }
  }
}
