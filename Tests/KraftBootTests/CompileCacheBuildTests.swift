import Foundation
import Glibc
import KraftTestSupport
import Testing

/// kraft build through ccache, on the helloworld example (one target): objects are shared
/// between project folders through the local cache and through a team cache on a real
/// loopback Redis, and the images are byte-identical to uncached ones.
@Suite(
  .serialized, .tags(.slow), .slowTier,
  .enabled(
    if: FileManager.default.isExecutableFile(atPath: "/usr/bin/ccache"),
    "needs ccache (scripts/install-deps.sh)"))
struct CompileCacheBuildTests {
  static let image = ".unikraft/build/helloworld_qemu-x86_64"

  /// `(compiled, cached, remote)` from `compiled N files (cached M, remote R)`.
  static func counts(_ output: String) -> (Int, Int, Int)? {
    guard let match = output.firstMatch(of: #/compiled (\d+) files \(cached (\d+), remote (\d+)\)/#) else {
      return nil
    }
    return (Int(match.1)!, Int(match.2)!, Int(match.3)!)
  }

  /// The objects a summary says were reused whole from the prebuilt store (`reused kernel (52
  /// objects), musl (1342 objects)`), all libraries together; 0 when none.
  static func reused(_ output: String) -> Int {
    guard let line = output.split(separator: "\n").first(where: { $0.contains(", reused ") }) else {
      return 0
    }
    return line.matches(of: #/\((\d+) objects\)/#).reduce(0) { $0 + Int($1.1)! }
  }

  static func build(
    _ project: ScratchProject, cache: URL, _ extra: [String: String] = [:], release: Bool = false,
    target: String = "qemu/x86_64"
  ) throws -> String {
    let result = try KraftProcess.run(
      ["build", "-t", target] + (release ? ["--release"] : []), in: project.url,
      environment: ["KRAFT_CACHE_DIR": cache.path, "KRAFT_COMPILE_CACHE": "on"].merging(extra) { $1 })
    #expect(result.status == 0, "\(result.output)")
    return result.stdout
  }

  static func image(_ project: ScratchProject) throws -> Data {
    try Data(contentsOf: project.url.appendingPathComponent(image))
  }

  static func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "kraft-ccache-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    // Exactly 0755: a kraft cache anyone may write is refused, and libgit2 (fetch tests in this
    // process) sets the umask to 0 for a moment now and then.
    chmod(url.path, 0o755)
    return url
  }

  @Test func aSecondProjectFolderIsServedFromTheCacheAndItsImageIsIdenticalToAnUncachedOne() throws {
    let cache = try Self.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: cache) }
    let first = try ScratchProject(copying: "examples/helloworld")
    let second = try ScratchProject(copying: "examples/helloworld")

    let cold = try #require(Self.counts(try Self.build(first, cache: cache)))
    #expect(cold.0 > 10 && cold.1 == 0, "\(cold)")
    // The kernel libraries come whole from the prebuilt store; the application from ccache.
    let warmOutput = try Self.build(second, cache: cache)
    let warm = try #require(Self.counts(warmOutput))
    #expect(warmOutput.contains("reused kernel ("), "\(warmOutput)")
    #expect(warm.0 + Self.reused(warmOutput) == cold.0 && warm.1 == warm.0 && warm.2 == 0, "\(warmOutput)")

    // The first folder again, rebuilt without the cache: the same bytes.
    let uncached = try KraftProcess.run(
      ["build", "-t", "qemu/x86_64", "--no-cache", "--no-compile-cache"], in: first.url,
      environment: ["KRAFT_CACHE_DIR": cache.path])
    #expect(uncached.status == 0, "\(uncached.output)")
    #expect(Self.counts(uncached.stdout) == nil)
    #expect(try Self.image(first) == Self.image(second))

    // A flag that changes code generation is a miss for every compile (a -D that no source
    // uses is not: ccache then finds the same preprocessed input, and the object is the same).
    let flagged = try KraftProcess.run(
      ["build", "-t", "qemu/x86_64", "--cflags=-O1"], in: second.url,
      environment: ["KRAFT_CACHE_DIR": cache.path, "KRAFT_COMPILE_CACHE": "on"])
    #expect(flagged.status == 0, "\(flagged.output)")
    #expect(Self.counts(flagged.stdout)?.1 == 0, "\(flagged.stdout)")
  }

  /// Whole ports from the prebuilt store: helloworld with a small port of its own (`kraft port
  /// new` on a local release archive; nolibc, so no musl build). The first release build
  /// compiles the port and stores its objects; a second, fresh project folder with an empty
  /// ccache gets them whole (the summary names the port, ninja compiles only the kernel and
  /// the app); both images equal the one a build without any cache makes. A damaged entry
  /// is found, compiled again and stored again.
  @Test func aFreshProjectReusesAPortsObjectsAndItsReleaseImageIsIdentical() throws {
    let scratch = try Self.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: scratch) }
    let archive = try TallyRelease.archive(in: scratch)
    let cache = scratch.appendingPathComponent("cache")
    let first = try Self.projectWithPort(archive: archive)
    let second = try Self.projectWithPort(archive: archive)
    let release = ["SOURCE_DATE_EPOCH": "0"]

    let cold = try Self.build(first, cache: cache, release, release: true)
    #expect(!cold.contains("reused"), "\(cold)")
    // The port's entry, beside one per kernel library.
    let entries = try Self.prebuiltEntries(cache).filter {
      (try? String(contentsOf: $0.appendingPathComponent("listing"), encoding: .utf8))?
        .contains("\"library\":\"tally\"") ?? false
    }
    #expect(entries.count == 1, "\(entries)")

    // Another folder, ccache emptied: only the app compiles.
    try FileManager.default.removeItem(at: cache.appendingPathComponent("ccache"))
    let warm = try Self.build(second, cache: cache, release, release: true)
    #expect(warm.contains("reused kernel (") && warm.contains(", tally (1 objects)"), "\(warm)")
    let warmCounts = try #require(Self.counts(warm))
    let coldCounts = try #require(Self.counts(cold))
    #expect(warmCounts.0 == 1 && warmCounts.0 + Self.reused(warm) == coldCounts.0, "\(warm)")
    #expect(try Self.image(first) == Self.image(second))

    // Rebuilt from scratch without any cache: the same bytes.
    let uncached = try KraftProcess.run(
      ["build", "-t", "qemu/x86_64", "--release", "--no-cache", "--no-compile-cache"], in: second.url,
      environment: ["KRAFT_CACHE_DIR": cache.path].merging(release) { $1 })
    #expect(uncached.status == 0, "\(uncached.output)")
    #expect(!uncached.stdout.contains("reused"), "\(uncached.stdout)")
    #expect(try Self.image(first) == Self.image(second))

    // A damaged entry: detected (a warning), compiled again, stored again. (Its object is
    // read-only and hard-linked into both folders, which are rebuilt below.)
    let object = try #require(Self.entryObjects(entries[0]).first)
    chmod(object.path, 0o644)
    var bytes = try Data(contentsOf: object)
    bytes[bytes.count - 8] ^= 0xff
    try bytes.write(to: object)
    let damaged = try KraftProcess.run(
      ["build", "-t", "qemu/x86_64", "--release", "--no-cache"], in: first.url,
      environment: ["KRAFT_CACHE_DIR": cache.path, "KRAFT_COMPILE_CACHE": "on"].merging(release) { $1 })
    #expect(damaged.status == 0, "\(damaged.output)")
    #expect(damaged.stderr.contains("prebuilt entry of tally"), "\(damaged.output)")
    #expect(!damaged.stdout.contains("tally ("), "\(damaged.stdout)")
    #expect(try Self.image(first) == Self.image(second))
    let again = try KraftProcess.run(
      ["build", "-t", "qemu/x86_64", "--release", "--no-cache"], in: first.url,
      environment: ["KRAFT_CACHE_DIR": cache.path, "KRAFT_COMPILE_CACHE": "on"].merging(release) { $1 })
    #expect(again.stdout.contains(", tally (1 objects)"), "\(again.output)")
    #expect(try Self.image(first) == Self.image(second))
  }

  /// The prebuilt store's entries under a kraft cache folder.
  static func prebuiltEntries(_ cache: URL) throws -> [URL] {
    let folder = cache.appendingPathComponent("prebuilt")
    guard let walk = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) else {
      return []
    }
    return walk.compactMap { $0 as? URL }.filter { $0.lastPathComponent == "listing" }
      .map { $0.deletingLastPathComponent() }
  }

  /// The object files of one prebuilt entry (a folder `prebuiltEntries` found).
  static func entryObjects(_ entry: URL) throws -> [URL] {
    let objects = entry.appendingPathComponent("objects")
    guard let walk = FileManager.default.enumerator(at: objects, includingPropertiesForKeys: nil) else {
      return []
    }
    return walk.compactMap { $0 as? URL }.filter { $0.pathExtension == "o" }
  }

  /// helloworld (qemu/x86_64 only) using the tally port, made by `kraft port new`, and fetched.
  static func projectWithPort(archive: String) throws -> ScratchProject {
    let project = try ScratchProject(copying: "examples/helloworld")
    try """
    spec: v0.6
    name: helloworld
    unikraft: stable
    libraries:
      tally: '1.2'
    targets:
      - qemu/x86_64
    """.write(to: project.url.appendingPathComponent("Kraftfile"), atomically: true, encoding: .utf8)
    try """
    #include <stdio.h>
    #include <tally.h>

    int main(void)
    {
    \tprintf("letters: %d\\n", tally_letters("unikernel 2026!"));
    \treturn 0;
    }

    """.write(to: project.url.appendingPathComponent("main.c"), atomically: true, encoding: .utf8)
    let new = try KraftProcess.run(
      ["port", "new", "tally", "--archive", "file://" + archive], in: project.url)
    #expect(new.status == 0, "kraft port new:\n\(new.output)")
    // A release needs the lock `kraft fetch` writes.
    let fetch = try KraftProcess.run(["fetch"], in: project.url)
    #expect(fetch.status == 0, "kraft fetch:\n\(fetch.output)")
    return project
  }

  /// Sharing between targets: options reach compiles as -D flags, not a per-target header, so
  /// a file compiled for qemu/x86_64 is answered from the cache for fc/x86_64 whenever its
  /// preprocessed input is the same (or its whole library is in the prebuilt store): only the
  /// files the fc image alone has miss.
  @Test func aSecondTargetOfOneArchitectureReusesTheFirstsObjects() throws {
    let cache = try Self.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: cache) }
    let project = try ScratchProject(copying: "examples/helloworld")
    let first = try #require(Self.counts(try Self.build(project, cache: cache)))
    let secondOutput = try Self.build(project, cache: cache, target: "fc/x86_64")
    let second = try #require(Self.counts(secondOutput))
    let sources = try ["qemu-x86_64", "fc-x86_64"].map { try Self.compiledSources(project, $0) }
    let onlyFirecracker = sources[1].subtracting(sources[0])
    #expect(first.0 == sources[0].count && second.0 == sources[1].count, "\(first) \(second)")
    #expect(second.0 - second.1 == onlyFirecracker.count, "\(second); only fc: \(onlyFirecracker)")
    // Most of fc's objects come from qemu's: whole kernel libraries from the prebuilt store
    // (their commands read no platform option), the rest from ccache.
    let reused = Self.reused(secondOutput)
    #expect(second.1 + reused > (second.0 + reused) / 2, "\(secondOutput)")

    let image = try Data(
      contentsOf: project.url.appendingPathComponent(".unikraft/build/helloworld_fc-x86_64"))
    let uncached = try KraftProcess.run(
      ["build", "-t", "fc/x86_64", "--no-cache", "--no-compile-cache"], in: project.url,
      environment: ["KRAFT_CACHE_DIR": cache.path])
    #expect(uncached.status == 0, "\(uncached.output)")
    #expect(
      try Data(contentsOf: project.url.appendingPathComponent(".unikraft/build/helloworld_fc-x86_64"))
        == image)
  }

  /// The sources a target's ninja file compiles.
  static func compiledSources(_ project: ScratchProject, _ key: String) throws -> Set<String> {
    let ninja = try String(
      contentsOf: project.url.appendingPathComponent(".unikraft/build/\(key)/build.ninja"), encoding: .utf8)
    return Set(
      ninja.split(separator: "\n").filter { $0.hasPrefix("build ") && $0.contains(": compile_") }
        .compactMap { $0.split(separator: " ").last.map(String.init) })
  }

  /// The team cache: a real redis-server on loopback, filled by a release build in one folder
  /// with its own local cache, then read by a release build in a second folder whose local
  /// cache is empty: every compile is a remote hit, and the images are byte-identical.
  @Test(
    .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/redis-server"), "needs redis-server"))
  func aTeamCacheOnRedisServesAFolderWithAnEmptyLocalCache() throws {
    let scratch = try Self.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: scratch) }
    let redis = try LoopbackRedis(folder: scratch)
    defer { redis.stop() }
    let remote = [
      "KRAFT_COMPILE_CACHE_REMOTE": "redis://127.0.0.1:\(redis.port)", "SOURCE_DATE_EPOCH": "0",
    ]
    let first = try ScratchProject(copying: "examples/helloworld")
    let second = try ScratchProject(copying: "examples/helloworld")

    let cold = try #require(
      Self.counts(
        try Self.build(first, cache: scratch.appendingPathComponent("one"), remote, release: true)))
    #expect(cold.0 > 10 && cold.1 == 0, "\(cold)")
    let fromTeam = try #require(
      Self.counts(
        try Self.build(second, cache: scratch.appendingPathComponent("two"), remote, release: true)))
    #expect(fromTeam.0 == cold.0 && fromTeam.1 == cold.0 && fromTeam.2 == cold.0, "\(fromTeam)")
    #expect(try Self.image(first) == Self.image(second))
  }
}

/// Debian's redis-server on a free loopback port, with its files in the test's own folder,
/// started with none of the test runner's descriptors and stopped with SIGKILL
/// (`LoopbackDaemon`: the runner blocks SIGTERM in its children).
final class LoopbackRedis {
  let port: Int
  private let daemon: LoopbackDaemon

  init(folder: URL) throws {
    port = try LoopbackPort.free()
    daemon = try LoopbackDaemon(
      "/usr/bin/redis-server",
      [
        "--port", String(port), "--bind", "127.0.0.1", "--dir", folder.path, "--save", "",
        "--appendonly", "no",
      ],
      port: port, log: folder.appendingPathComponent("redis.log"))
  }

  func stop() { daemon.stop() }
}
