import KraftBasics
import Testing

@testable import KraftBuild

/// The compile cache's settings and its per-build counts (no compiler runs here).
@Suite struct CompileCacheTests {
  let withCcache = ExecutableLocator(searchPath: ["/bin"], isExecutable: { $0 == "/bin/ccache" })
  let withoutCcache = ExecutableLocator(searchPath: ["/bin"], isExecutable: { _ in false })

  @Test func onByDefaultOnlyWhenCcacheIsInstalled() throws {
    let cache = try CompileCacheSettings.resolve(
      disabled: false, environment: [:], cacheRoot: "/c", locator: withCcache)
    var expected = CompileCache(launcher: "/bin/ccache", directory: "/c/ccache", maxSize: "5G")
    expected.prebuiltStore = PrebuiltStore(directory: "/c/prebuilt", maxBytes: 5_000_000_000)
    #expect(cache == expected)
    #expect(
      try CompileCacheSettings.resolve(
        disabled: false, environment: [:], cacheRoot: "/c", locator: withoutCcache) == nil)
    #expect(
      try CompileCacheSettings.resolve(
        disabled: true, environment: [:], cacheRoot: "/c", locator: withCcache) == nil)
    #expect(
      try CompileCacheSettings.resolve(
        disabled: false, environment: ["KRAFT_COMPILE_CACHE": "off"], cacheRoot: "/c",
        locator: withCcache) == nil)
  }

  @Test func askingForTheCacheWithoutCcacheNamesThePackage() {
    #expect(throws: MissingToolError.self) {
      try CompileCacheSettings.resolve(
        disabled: false, environment: ["KRAFT_COMPILE_CACHE": "on"], cacheRoot: "/c",
        locator: withoutCcache)
    }
  }

  @Test func sizeAndRemoteAreCheckedAndPassedToCcache() throws {
    let cache = try #require(
      try CompileCacheSettings.resolve(
        disabled: false,
        environment: [
          "KRAFT_COMPILE_CACHE_SIZE": "20G", "KRAFT_COMPILE_CACHE_REMOTE": "redis://127.0.0.1:7000",
        ],
        cacheRoot: "/c", locator: withCcache))
    let environment = cache.environment(baseDirectory: "/p", statsLog: "/p/log")
    #expect(environment["CCACHE_MAXSIZE"] == "20G")
    #expect(environment["CCACHE_REMOTE_STORAGE"] == "redis://127.0.0.1:7000")
    #expect(environment["CCACHE_BASEDIR"] == "/p")
    #expect(environment["CCACHE_DIR"] == "/c/ccache")
    #expect(throws: CompileCacheSettingError.self) {
      try CompileCacheSettings.resolve(
        disabled: false, environment: ["KRAFT_COMPILE_CACHE_SIZE": "lots"], cacheRoot: "/c",
        locator: withCcache)
    }
    #expect(throws: CompileCacheSettingError.self) {
      try CompileCacheSettings.resolve(
        disabled: false, environment: ["KRAFT_COMPILE_CACHE_REMOTE": "cache:6379"], cacheRoot: "/c",
        locator: withCcache)
    }
  }

  @Test func countsHitsFromCcachesStatsLog() {
    let log = """
      # /src/a.c
      direct_cache_hit
      local_storage_hit
      # /src/b.c
      cache_miss
      direct_cache_miss
      local_storage_write
      # /src/c.c
      preprocessed_cache_hit
      remote_storage_hit
      """
    #expect(CompileCacheLog.counts(in: log) == CompileCacheLog.Counts(cached: 2, remote: 1))
  }
}
