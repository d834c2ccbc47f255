import Foundation
import KraftFetch
import KraftModel
import Testing

@Suite struct PatchTests {
  let upstream: UpstreamFixture

  init() async throws { upstream = try await UpstreamFixture.shared.value }

  /// A port folder with the given patch files.
  func port(_ patches: [String: String]) throws -> PatchSet {
    let folder = try TestScratch.make("port")
    for (name, text) in patches { try TestScratch.write(text, to: folder + "/patches/" + name) }
    return try PatchSet.load(portDirectory: folder)
  }

  var pin: UpstreamPin { UpstreamPin(archiveSHA256: upstream.tarGzSHA256) }

  static let formatPatch = """
    From 1111111111111111111111111111111111111111 Mon Sep 17 00:00:00 2001
    From: t <t@e>
    Date: Mon, 1 Jan 2024 00:00:00 +0000
    Subject: [PATCH] widget returns 42

    ---
     src/widget.c | 2 +-
     1 file changed, 1 insertion(+), 1 deletion(-)

    diff --git a/src/widget.c b/src/widget.c
    index 1111111..2222222 100644
    --- a/src/widget.c
    +++ b/src/widget.c
    @@ -1,4 +1,4 @@
     int widget(void)
     {
    -\treturn 1;
    +\treturn 42;
     }
    --\u{20}
    2.39.5

    """

  static let plainDiff = """
    --- widget-1.0.orig/README\t2024-01-01 00:00:00.000000000 +0000
    +++ widget-1.0/README\t2024-01-01 00:00:00.000000000 +0000
    @@ -1 +1,2 @@
     widget
    +patched by kraft

    """

  @Test func formatPatchAndPlainDiffApplyInOrderAndAreCached() throws {
    let patches = try port(["0001-answer.patch": Self.formatPatch, "0002-readme.patch": Self.plainDiff])
    #expect(patches.patches.map(\.name) == ["0001-answer.patch", "0002-readme.patch"])
    let cache = try TestScratch.make("patch-cache")
    let request = archiveRequest(upstream.tarGz, pin: pin, patches: patches)
    let prepared = try makeFetcher(cache: cache).prepare(request)
    let source = try String(contentsOfFile: prepared.directory + "/src/widget.c", encoding: .utf8)
    #expect(source.contains("return 42;"))
    let readme = try String(contentsOfFile: prepared.directory + "/README", encoding: .utf8)
    #expect(readme == "widget\npatched by kraft\n")
    #expect(prepared.lockEntry.patchSetHash == patches.hash)
    #expect(prepared.directory.contains("/patched/"))
    // The unpatched tree is untouched, and the patched one is reused as is.
    let pristine = try String(
      contentsOfFile: fetcherTree(cache, prepared) + "/src/widget.c", encoding: .utf8)
    #expect(pristine.contains("return 1;"))
    #expect(try makeFetcher(cache: cache, offline: true).prepare(request).directory == prepared.directory)
  }

  func fetcherTree(_ cache: String, _ prepared: PreparedSource) -> String {
    SourceCache(root: cache).treePath(treeHash: prepared.lockEntry.pin.treeHash!)
  }

  @Test func aPatchThatDoesNotApplyNamesThePatchTheHunkAndTheFile() throws {
    let broken = Self.formatPatch.replacingOccurrences(of: "-\treturn 1;", with: "-\treturn 7;")
    let patches = try port(["0001-answer.patch": broken])
    let fetcher = try makeFetcher()
    let error = fetchError {
      _ = try fetcher.prepare(archiveRequest(upstream.tarGz, pin: pin, patches: patches))
    }
    let message = error?.message ?? ""
    #expect(message.contains("0001-answer.patch"), "\(message)")
    #expect(message.contains("'src/widget.c'"), "\(message)")
    #expect(message.contains("@@ -1,4 +1,4 @@"), "\(message)")
    #expect(TestScratch.entries(fetcher.cache.root + "/patched").isEmpty)
  }

  @Test func thePatchSetHashChangesWithAnyPatch() throws {
    let one = try port(["0001-a.patch": Self.plainDiff])
    let two = try port(["0001-a.patch": Self.plainDiff + "\n"])
    let renamed = try port(["0002-a.patch": Self.plainDiff])
    #expect(Set([one.hash, two.hash, renamed.hash]).count == 3)
    #expect(try port([:]).hash == nil)
  }
}
