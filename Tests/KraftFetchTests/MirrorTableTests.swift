import KraftFetch
import Testing

@Suite struct MirrorTableTests {
  @Test func theFirstMatchingPrefixWinsAndPathsMeanFiles() throws {
    let rules = try MirrorTable.parse(
      environmentValue: """
        https://musl.libc.org/releases/=/srv/mirror/musl/;https://musl.libc.org/=http://proxy/m/
        https://git.example.org/=git://127.0.0.1:9418/
        """)
    let table = MirrorTable(rules: rules)
    #expect(
      table.resolve("https://musl.libc.org/releases/musl-1.2.3.tar.gz")
        == "file:///srv/mirror/musl/musl-1.2.3.tar.gz")
    #expect(table.resolve("https://musl.libc.org/other.tar.gz") == "http://proxy/m/other.tar.gz")
    #expect(table.resolve("https://git.example.org/a.git") == "git://127.0.0.1:9418/a.git")
    #expect(table.resolve("https://elsewhere/x.tar.gz") == "https://elsewhere/x.tar.gz")
  }

  @Test func aMalformedItemIsAUsageError() {
    let error = fetchError { _ = try MirrorTable.parse(environmentValue: "no-equals-sign") }
    #expect(error?.kind == .usage)
    #expect(error?.message.contains("'no-equals-sign'") == true)
  }

  @Test func theConfigFileAddsRulesAfterTheEnvironment() throws {
    let folder = try TestScratch.make("config")
    try TestScratch.write(
      """
      mirrors:
        - prefix: https://a.example/
          url: /srv/a/
        - prefix: https://b.example/
          url: http://proxy/b/
      """, to: folder + "/kraft/mirrors.yaml")
    let table = try MirrorConfig.load(environment: [
      "XDG_CONFIG_HOME": folder, "KRAFT_MIRRORS": "https://a.example/=http://env/a/",
    ])
    #expect(table.resolve("https://a.example/x") == "http://env/a/x")
    #expect(table.resolve("https://b.example/y") == "http://proxy/b/y")
    #expect(table.rules.count == 3)
  }
}
