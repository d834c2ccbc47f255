import Foundation
import KraftFetch
import KraftManifest
import KraftModel
import KraftTestSupport
import Testing

/// The real musl port fetched through the mirror `scripts/debian-mirror.sh` builds from
/// Debian's source packages: the same pins as upstream's release archive must hold, and the
/// port's patches must apply. Slower (apt, a 1 MB archive, 2600 files), so one test.
@Suite(.tags(.slow), .slowTier) struct DebianMirrorTests {
  static let repository: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
  }()

  /// A port recipe shipped in kraft's `Ports/`.
  static func shippedRecipe(_ name: String) throws -> PortRecipe {
    let portDirectory = repository + "/Ports/" + name
    return try PortRecipeParser.parse(
      try String(contentsOfFile: portDirectory + "/port.yaml", encoding: .utf8),
      file: portDirectory + "/port.yaml", directory: portDirectory)
  }

  /// Builds (or reuses) the Debian mirror and returns the `KRAFT_MIRRORS` value the script
  /// prints for it.
  static func mirrorsValue() throws -> String {
    let mirrorDirectory =
      ProcessInfo.processInfo.environment["KRAFT_TEST_MIRROR"] ?? repository + "/mirror"
    return try TestScratch.run(
      ["bash", repository + "/scripts/debian-mirror.sh", mirrorDirectory],
      in: repository, separateErrors: true
    ).trimmingCharacters(in: .whitespacesAndNewlines)
  }

  @Test func muslThroughTheDebianMirrorVerifiesAgainstUpstreamPins() throws {
    let recipe = try Self.shippedRecipe("musl")
    let version = try #require(recipe.upstream.version(nil))
    #expect(version.archive == "https://musl.libc.org/releases/musl-1.2.3.tar.gz")

    let value = try Self.mirrorsValue()
    #expect(value.contains("https://musl.libc.org/releases/=file://"))
    let mirrors = MirrorTable(rules: try MirrorTable.parse(environmentValue: value))

    let fetcher = try makeFetcher(mirrors: mirrors)
    let prepared = try fetcher.prepare(port: recipe, version: nil, lock: nil)
    #expect(prepared.lockEntry.pin == version.pin)
    #expect(prepared.lockEntry.url == version.archive)
    #expect(prepared.lockEntry.patchSetHash != nil)
    // The patched tree: 0001 replaces the syscall instruction with calls into the kernel.
    let header = try String(
      contentsOfFile: prepared.directory + "/arch/x86_64/syscall_arch.h", encoding: .utf8)
    #expect(header.contains("ksyscall"))
  }

  /// zlib's upstream is Debian's repacked source package itself: the script mirrors it under
  /// the `debian:` prefix, and the recipe's pins hold through it.
  @Test func zlibThroughTheDebianPrefixOfTheMirror() throws {
    let recipe = try Self.shippedRecipe("zlib")
    let version = try #require(recipe.upstream.version(nil))
    #expect(version.archive == nil && version.git == nil)
    let value = try Self.mirrorsValue()
    #expect(value.contains("debian:=file://"))
    let fetcher = try makeFetcher(
      mirrors: MirrorTable(rules: try MirrorTable.parse(environmentValue: value)))
    let prepared = try fetcher.prepare(port: recipe, version: nil, lock: nil)
    #expect(prepared.lockEntry.url == version.debian?.url)
    #expect(prepared.lockEntry.pin == version.pin)
  }
}
