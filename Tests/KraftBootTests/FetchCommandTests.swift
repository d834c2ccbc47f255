import Foundation
import KraftTestSupport
import Testing

/// `kraft fetch`, `kraft lock` and `--locked` as a user drives them, on a project using the musl
/// port through the mirror that `scripts/test.sh` sets up in `KRAFT_MIRRORS`.
@Suite(.tags(.slow), .slowTier) struct FetchCommandTests {
  @Test func fetchLockOfflineAndLockedBehaveAsDocumented() throws {
    let project = try ScratchProject(copying: "examples/musl-stdio")
    let cache = project.url.deletingLastPathComponent().appendingPathComponent("cache")
    let lockURL = project.url.appendingPathComponent("Kraftfile.lock")
    var environment = ["KRAFT_CACHE_DIR": cache.path]

    // Offline with an empty cache: fails as a fetch failure naming what is missing.
    let offline = try KraftProcess.run(["fetch", "--offline"], in: project.url, environment: environment)
    #expect(offline.status == 75, "\(offline.output)")
    #expect(offline.output.contains("musl"))
    #expect(!FileManager.default.fileExists(atPath: lockURL.path))

    // Online (through the mirror): writes the lock; the second fetch downloads nothing new.
    environment["KRAFT_MIRRORS"] = ProcessInfo.processInfo.environment["KRAFT_MIRRORS"]
    let fetch = try KraftProcess.run(["fetch"], in: project.url, environment: environment)
    #expect(fetch.status == 0, "\(fetch.output)")
    let lock = try String(contentsOf: lockURL, encoding: .utf8)
    #expect(lock.contains("\"musl\":"))
    #expect(lock.contains("7d5b0b6062521e4627e099e4c9dc8248d32a30285e959b7eecaa780cf8cfd4a4"))

    // Now the cache has it: offline works, and refreshing the lock rewrites the same bytes.
    let cached = try KraftProcess.run(["fetch", "--offline"], in: project.url, environment: environment)
    #expect(cached.status == 0, "\(cached.output)")

    // A file changed inside the cache is found on use and made again from the verified
    // archive, offline and with --locked too; --verify re-hashes and finds it intact.
    let trees = cache.appendingPathComponent("trees").path
    let tree = trees + "/" + (try FileManager.default.contentsOfDirectory(atPath: trees)[0])
    try "changed\n".write(toFile: tree + "/README", atomically: false, encoding: .utf8)
    let repaired = try KraftProcess.run(
      ["fetch", "--offline", "--locked"], in: project.url, environment: environment)
    #expect(repaired.status == 0, "\(repaired.output)")
    #expect(repaired.output.contains("musl 1.2.3: repaired"), "\(repaired.output)")
    #expect(try String(contentsOfFile: tree + "/README", encoding: .utf8).contains("musl"))
    let verified = try KraftProcess.run(
      ["fetch", "--offline", "--verify"], in: project.url, environment: environment)
    #expect(verified.output.contains("musl 1.2.3: cached"), "\(verified.output)")
    let update = try KraftProcess.run(["lock", "--update"], in: project.url, environment: environment)
    #expect(update.status == 0, "\(update.output)")
    #expect(try String(contentsOf: lockURL, encoding: .utf8) == lock)

    // A lock that disagrees with the sources: --locked refuses (76) and leaves the file alone.
    let tampered = lock.replacingOccurrences(of: "7d5b0b60", with: "0d5b0b60")
    try tampered.write(to: lockURL, atomically: true, encoding: .utf8)
    let locked = try KraftProcess.run(
      ["fetch", "--locked"], in: project.url, environment: environment)
    #expect(locked.status == 76, "\(locked.output)")
    #expect(try String(contentsOf: lockURL, encoding: .utf8) == tampered)
  }
}
