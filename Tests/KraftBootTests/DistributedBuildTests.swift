import Foundation
import Glibc
import KraftTestSupport
import Testing

/// `kraft build --jobs N` with `KRAFT_DISTCC_HOSTS` spreads compiles over two real distccd
/// helpers on loopback, through the compile cache (ccache runs distcc for its misses): the
/// helpers' own logs show the jobs, the summary counts them, and the release image is
/// byte-identical to a local, uncached one; helpers that are down leave the compiles here,
/// with a warning.
@Suite(
  .serialized, .tags(.slow), .slowTier,
  .enabled(
    if: FileManager.default.isExecutableFile(atPath: "/usr/bin/distccd")
      && FileManager.default.isExecutableFile(atPath: "/usr/bin/ccache"),
    "needs distcc and ccache (scripts/install-deps.sh)"))
struct DistributedBuildTests {
  @Test func twoLoopbackHelpersCompileAndTheReleaseImageEqualsALocalOne() throws {
    let scratch = try CompileCacheBuildTests.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: scratch) }
    let helpers = try (0..<2).map { try LoopbackDistccd(folder: scratch, name: "helper\($0)") }
    defer { helpers.forEach { $0.stop() } }
    let project = try ScratchProject(copying: "examples/helloworld")
    let environment = [
      "KRAFT_CACHE_DIR": scratch.appendingPathComponent("cache").path, "KRAFT_COMPILE_CACHE": "on",
      "SOURCE_DATE_EPOCH": "0",
      "KRAFT_DISTCC_HOSTS": helpers.map { "127.0.0.1:\($0.port)/2" }.joined(separator: " "),
    ]

    let distributed = try KraftProcess.run(
      ["build", "-t", "qemu/x86_64", "--release", "--jobs", "5"], in: project.url, environment: environment)
    #expect(distributed.status == 0, "\(distributed.output)")
    let counts = try #require(
      distributed.stdout.firstMatch(
        of: #/compiled (\d+) files \(cached (\d+), remote (\d+), distributed (\d+)\)/#),
      "\(distributed.output)")
    let (compiled, remote) = (Int(counts.1)!, Int(counts.4)!)
    // Every C file goes to a helper (assembly stays here), and each helper took some.
    let jobs = try helpers.map { try $0.completedJobs() }
    #expect(compiled > 10 && remote > compiled / 2, "\(distributed.stdout)")
    #expect(
      jobs.allSatisfy { $0 > 0 } && jobs.reduce(0, +) == remote,
      "helpers ran \(jobs), kraft counted \(remote)")
    #expect(
      !distributed.stderr.contains("ran here because no distcc helper took them"), "\(distributed.stderr)")
    let image = try CompileCacheBuildTests.image(project)

    // The same folder built here, without helpers or cache: the same bytes.
    let local = try KraftProcess.run(
      ["build", "-t", "qemu/x86_64", "--release", "--no-cache", "--no-compile-cache"], in: project.url,
      environment: environment.merging(["KRAFT_DISTCC_HOSTS": ""]) { $1 })
    #expect(local.status == 0, "\(local.output)")
    #expect(!local.stdout.contains("distributed"), "\(local.stdout)")
    #expect(try CompileCacheBuildTests.image(project) == image)
  }

  /// Helpers that are down (two loopback ports nobody listens on): distcc compiles here
  /// instead, the build succeeds with the image a local build makes, and kraft warns once,
  /// naming the configured hosts.
  @Test func helpersThatAreDownFallBackToLocalWithAWarningNamingThem() throws {
    let scratch = try CompileCacheBuildTests.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: scratch) }
    let hosts = try (0..<2).map { _ in "127.0.0.1:\(try LoopbackPort.free())/2" }.joined(separator: " ")
    let project = try ScratchProject(copying: "examples/helloworld")
    let environment = [
      "KRAFT_CACHE_DIR": scratch.appendingPathComponent("cache").path, "SOURCE_DATE_EPOCH": "0",
      "KRAFT_DISTCC_HOSTS": hosts,
    ]

    let fallback = try KraftProcess.run(
      ["build", "-t", "qemu/x86_64", "--release", "--no-compile-cache"], in: project.url,
      environment: environment)
    #expect(fallback.status == 0, "\(fallback.output)")
    #expect(fallback.stdout.contains("distributed 0)"), "\(fallback.stdout)")
    let warning = try #require(
      fallback.stderr.split(separator: "\n").first {
        $0.contains("ran here because no distcc helper took them")
      },
      "\(fallback.stderr)")
    #expect(warning.hasPrefix("kraft: warning: ") && warning.contains("'\(hosts)'"), "\(warning)")
    #expect(
      fallback.stderr.components(separatedBy: "no distcc helper").count == 2, "once: \(fallback.stderr)")
    let image = try CompileCacheBuildTests.image(project)

    let local = try KraftProcess.run(
      ["build", "-t", "qemu/x86_64", "--release", "--no-cache", "--no-compile-cache"], in: project.url,
      environment: environment.merging(["KRAFT_DISTCC_HOSTS": ""]) { $1 })
    #expect(local.status == 0, "\(local.output)")
    #expect(try CompileCacheBuildTests.image(project) == image)
  }
}

/// Debian's distccd on a free loopback port, taking jobs from 127.0.0.1 only, logging to a
/// file of the test's. `--enable-tcp-insecure`: kraft names its compiler by absolute path,
/// which distccd otherwise refuses (its allow list holds names under /usr/lib/distcc).
final class LoopbackDistccd {
  let port: Int
  let log: URL
  private let daemon: LoopbackDaemon

  init(folder: URL, name: String) throws {
    port = try LoopbackPort.free()
    log = folder.appendingPathComponent(name + ".log")
    daemon = try LoopbackDaemon(
      "/usr/bin/distccd",
      [
        "--no-detach", "--daemon", "--listen", "127.0.0.1", "--port", String(port), "--allow", "127.0.0.1",
        "--jobs", "2", "--log-stderr", "--log-level", "info", "--enable-tcp-insecure",
      ],
      port: port, log: log)
  }

  /// Compiles this helper finished (`COMPILE_OK` in its job summaries).
  func completedJobs() throws -> Int {
    try String(contentsOf: log, encoding: .utf8).components(separatedBy: "\n")
      .filter { $0.contains(" COMPILE_OK ") }.count
  }

  func stop() { daemon.stop() }
}
