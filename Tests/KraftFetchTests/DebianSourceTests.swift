import Foundation
import KraftFetch
import KraftManifest
import KraftModel
import Testing

/// A Debian source package as the upstream itself (`debian: {package, version, file}` and a
/// sha256, no archive URL): named `debian:<package>/<version>/<file>`, fetched through a
/// mirror rule for the `debian:` prefix.
@Suite struct DebianSourceTests {
  let upstream: UpstreamFixture

  init() async throws { upstream = try await UpstreamFixture.shared.value }

  @Test func aVersionWithOnlyADebianPackageIsFetchedThroughTheDebianPrefix() throws {
    let text = """
      name: widget
      upstream:
        versions:
          "1.0":
            debian: {package: widget, version: "1:1.0-1", file: widget_1.0.orig.tar.gz}
            sha256: \(upstream.tarGzSHA256)
      """
    let recipe = try PortRecipeParser.parse(text, file: "port.yaml", directory: "/p")
    let version = try #require(recipe.upstream.version(nil))
    #expect(version.archive == nil)
    let request = try SourceRequest.port(recipe, version: nil)
    #expect(request.url == "debian:widget/1:1.0-1/widget_1.0.orig.tar.gz")

    let mirror = try TestScratch.make("debian-mirror")
    try FileManager.default.createDirectory(
      atPath: mirror + "/widget/1:1.0-1", withIntermediateDirectories: true)
    try FileManager.default.copyItem(
      atPath: upstream.tarGz, toPath: mirror + "/widget/1:1.0-1/widget_1.0.orig.tar.gz")
    let rules = try MirrorTable.parse(environmentValue: "debian:=\(mirror)/")
    let fetcher = try makeFetcher(mirrors: MirrorTable(rules: rules))
    let prepared = try fetcher.prepare(request)
    #expect(prepared.lockEntry.url == "debian:widget/1:1.0-1/widget_1.0.orig.tar.gz")
    #expect(prepared.lockEntry.pin.treeHash == upstream.treeHashV1)
  }

  @Test func theDebianNameReadsBackAndOtherURLsAreNotDebian() {
    let source = UpstreamDebianSource(package: "zlib", version: "1:1.2.13.dfsg-1", orig: "z.tar.bz2")
    #expect(UpstreamDebianSource(url: source.url) == source)
    #expect(UpstreamDebianSource(url: "https://example.org/z.tar.bz2") == nil)
    #expect(UpstreamDebianSource(url: "debian:zlib/z.tar.bz2") == nil)
  }

  @Test func aDebianOnlyVersionNeedsASha256() {
    let text = """
      name: widget
      upstream:
        versions:
          "1.0":
            debian: {package: widget, version: "1.0-1", file: widget_1.0.orig.tar.gz}
            tree: sha256:cda3fff40ead1952ac6365b764ca6c54d11965e684dc6ffd2ad68697e79c7885
      """
    #expect(throws: (any Error).self) {
      try PortRecipeParser.parse(text, file: "port.yaml", directory: "/p")
    }
  }
}
