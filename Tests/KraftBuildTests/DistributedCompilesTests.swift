import KraftBasics
import Testing

@testable import KraftBuild

/// Distributed compiles' settings, how they reach ninja, and the per-build counts (no
/// compiler or helper runs here).
@Suite struct DistributedCompilesTests {
  let withDistcc = ExecutableLocator(searchPath: ["/bin"], isExecutable: { $0 == "/bin/distcc" })
  let withoutDistcc = ExecutableLocator(searchPath: ["/bin"], isExecutable: { _ in false })

  @Test func offUnlessHostsAreGiven() throws {
    #expect(
      try DistributedCompileSettings.resolve(environment: [:], cacheRoot: "/c", locator: withDistcc) == nil)
    #expect(
      try DistributedCompileSettings.resolve(
        environment: ["KRAFT_DISTCC_HOSTS": "  "], cacheRoot: "/c", locator: withDistcc) == nil)
    let distributed = try DistributedCompileSettings.resolve(
      environment: ["KRAFT_DISTCC_HOSTS": "build1:3632/8 build2 localhost/1"], cacheRoot: "/c",
      locator: withDistcc)
    #expect(
      distributed
        == DistributedCompiles(
          launcher: "/bin/distcc", hosts: "build1:3632/8 build2 localhost/1", directory: "/c/distcc"))
    // distcc's own defaults: 4 slots for a helper without a limit, 2 for localhost.
    #expect(distributed?.slots == 13)
    #expect(distributed?.defaultJobs(localJobs: 3) == 16)
    #expect(
      DistributedCompiles(launcher: "d", hosts: "--randomize a b/2 localhost", directory: "/d").slots == 8)
  }

  @Test func hostsWithoutDistccNameThePackage() {
    #expect(throws: MissingToolError.self) {
      try DistributedCompileSettings.resolve(
        environment: ["KRAFT_DISTCC_HOSTS": "build1"], cacheRoot: "/c", locator: withoutDistcc)
    }
  }

  @Test func aMalformedHostIsAUsageErrorNamingIt() {
    for hosts in ["build1:port", "build1/many", "http://build1", "a;b"] {
      #expect(throws: DistributedCompileSettingError.self, "\(hosts)") {
        try DistributedCompileSettings.resolve(
          environment: ["KRAFT_DISTCC_HOSTS": hosts], cacheRoot: "/c", locator: withDistcc)
      }
    }
    for hosts in ["@build1/4", "user@build1", "[::1]:3632/2,lzo", "--localslots=2 10.0.0.5:4000/16"] {
      #expect(
        (try? DistributedCompileSettings.resolve(
          environment: ["KRAFT_DISTCC_HOSTS": hosts], cacheRoot: "/c", locator: withDistcc)) != nil,
        "\(hosts)")
    }
  }

  @Test func distccRunsBehindCcacheOrAlone() {
    let distributed = DistributedCompiles(launcher: "/bin/distcc", hosts: "h1/2", directory: "/c/distcc")
    let alone = distributed.environment(log: "/p/log", throughCompileCache: false)
    #expect(alone == ["DISTCC_HOSTS": "h1/2", "DISTCC_DIR": "/c/distcc", "DISTCC_LOG": "/p/log"])
    #expect(
      distributed.environment(log: "/p/log", throughCompileCache: true)["CCACHE_PREFIX"] == "/bin/distcc")

    var executor = BuildExecutor(fileSystem: InMemoryFileSystem(), runner: SystemProcessRunner())
    executor.distributedCompiles = distributed
    #expect(executor.compilerLauncher == "/bin/distcc")
    executor.compileCache = CompileCache(launcher: "/bin/ccache", directory: "/c/ccache", maxSize: "5G")
    #expect(executor.compilerLauncher == "/bin/ccache")
  }

  @Test func countsRemoteJobsAndFallbacksFromDistccsLog() {
    let log = """
      distcc[10] compile a.c on 127.0.0.1:4000/2 completed ok
      distcc[10] cpp a.c on localhost completed ok
      distcc[11] compile b.c on localhost completed ok
      distcc[12] (dcc_build_somewhere) Warning: failed to distribute c.c to build1, running locally instead
      distcc[13] compile d.c on build1/4 completed ok
      distcc[13] elapsed compilation time 0.3s
      """
    #expect(DistccLog.counts(in: log) == DistccLog.Counts(remote: 2, fellBack: 1))
  }
}
