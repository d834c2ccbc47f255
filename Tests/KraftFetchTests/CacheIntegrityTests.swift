import Foundation
import KraftModel
import Testing

@testable import KraftFetch

/// Entries changed on disk after they were verified are found on use and made again.
@Suite struct CacheIntegrityTests {
  let upstream: UpstreamFixture

  init() async throws { upstream = try await UpstreamFixture.shared.value }

  var request: SourceRequest {
    archiveRequest(
      upstream.tarGz,
      pin: UpstreamPin(archiveSHA256: upstream.tarGzSHA256, treeHash: upstream.treeHashV1))
  }

  /// A cache holding the fixture's verified tree; returns the cache root and the tree.
  func filledCache(patches: PatchSet = PatchSet(patches: [])) throws -> (String, String) {
    let cache = try TestScratch.make("integrity-cache")
    var withPatches = request
    withPatches.patches = patches
    let prepared = try makeFetcher(cache: cache).prepare(withPatches)
    #expect(!prepared.repaired)
    return (cache, prepared.directory)
  }

  func text(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

  @Test func anEditedFileIsFoundAndTheTreeMadeAgainOffline() throws {
    let (cache, tree) = try filledCache()
    let file = tree + "/src/widget.c"
    let original = try text(file)
    var before = stat()
    stat(file, &before)
    // Same size, and the modification time put back: only the change time tells.
    try original.replacingOccurrences(of: "return 1;", with: "return 9;")
      .write(toFile: file, atomically: false, encoding: .utf8)
    var times = [before.st_atim, before.st_mtim]
    utimensat(AT_FDCWD, file, &times, 0)
    let again = try makeFetcher(cache: cache, offline: true).prepare(request)
    #expect(again.repaired)
    #expect(!again.downloaded)
    #expect(try text(file) == original)
    // Now intact again: the next use finds nothing to repair.
    #expect(!(try makeFetcher(cache: cache, offline: true).prepare(request).repaired))
  }

  @Test func aDeletedFileIsFoundAndTheTreeMadeAgain() throws {
    let (cache, tree) = try filledCache()
    try FileManager.default.removeItem(atPath: tree + "/src")
    let again = try makeFetcher(cache: cache, offline: true).prepare(request)
    #expect(again.repaired)
    #expect(FileManager.default.fileExists(atPath: tree + "/src/widget.c"))
  }

  @Test func anAddedFileIsFound() throws {
    let (cache, tree) = try filledCache()
    try TestScratch.write("int evil;\n", to: tree + "/src/extra.c")
    #expect(try makeFetcher(cache: cache, offline: true).prepare(request).repaired)
    #expect(!FileManager.default.fileExists(atPath: tree + "/src/extra.c"))
  }

  @Test func anEditedPatchedTreeIsPatchedAgain() throws {
    let folder = try TestScratch.make("integrity-port")
    try TestScratch.write(PatchTests.plainDiff, to: folder + "/patches/0001-readme.patch")
    let patches = try PatchSet.load(portDirectory: folder)
    let (cache, patched) = try filledCache(patches: patches)
    #expect(patched.contains("/patched/"))
    try TestScratch.write("changed\n", to: patched + "/README")
    var withPatches = request
    withPatches.patches = patches
    let again = try makeFetcher(cache: cache, offline: true).prepare(withPatches)
    #expect(again.repaired)
    #expect(try text(patched + "/README") == "widget\npatched by kraft\n")
  }

  @Test func aDamagedCachedArchiveIsNotExtracted() throws {
    let (cache, tree) = try filledCache()
    let archive = SourceCache(root: cache).archivePath(sha256: upstream.tarGzSHA256)
    try TestScratch.write("damaged", to: archive)
    try SourceCache.removeTree(tree)
    let error = fetchError { _ = try makeFetcher(cache: cache, offline: true).prepare(request) }
    #expect(error?.message.contains("offline") == true, "\(String(describing: error))")
    // Online, it is downloaded again and checked.
    #expect(try makeFetcher(cache: cache).prepare(request).downloaded)
  }

  @Test func verifyHashesEvenWhenSizesAndTimesAgree() throws {
    let (cache, tree) = try filledCache()
    try TestScratch.write("int widget(void) { return 7; }\n", to: tree + "/src/widget.c")
    // A stamp that agrees with the edited files (as if the edit left no trace in the times).
    try SourceCache(root: cache).markVerified(entry: tree, treeHash: upstream.treeHashV1)
    #expect(!(try makeFetcher(cache: cache, offline: true).prepare(request).repaired))
    let fetcher = try makeFetcher(cache: cache, offline: true)
    fetcher.verifyEverything = true
    let verified = try fetcher.prepare(request)
    #expect(verified.repaired)
    #expect(try text(tree + "/src/widget.c").contains("return 1;"))
  }

  @Test func aTreeFromBeforeStampsIsVerifiedOnceAndKept() throws {
    let (cache, tree) = try filledCache()
    let stamp = SourceCache(root: cache).stampPath(entry: tree)
    try FileManager.default.removeItem(atPath: stamp)
    #expect(!(try makeFetcher(cache: cache, offline: true).prepare(request).repaired))
    #expect(FileManager.default.fileExists(atPath: stamp))
  }

  @Test func theCacheIsNamedByHashesOnlyAndNotWritableByOthers() throws {
    let folder = try TestScratch.make("credential")
    let named = folder + "/token=SECRET-TOKEN-1234.tar.gz"
    try FileManager.default.copyItem(atPath: upstream.tarGz, toPath: named)
    let fetcher = try makeFetcher()
    _ = try fetcher.prepare(archiveRequest("file://" + named, pin: UpstreamPin()).allowingUnpinned())
    let root = fetcher.cache.root
    let everything = FileManager.default.enumerator(atPath: root)?.allObjects as? [String] ?? []
    #expect(!everything.isEmpty)
    #expect(everything.allSatisfy { !$0.contains("SECRET") })
    for folder in ["", "/archives", "/trees", "/verified", "/locks"] {
      var info = stat()
      stat(root + folder, &info)
      #expect(info.st_mode & 0o022 == 0, "'\(folder)' is writable by others")
    }
    var tmp = stat()
    stat(root + "/tmp", &tmp)
    #expect(tmp.st_mode & 0o077 == 0)
  }

  @Test func aCacheEveryoneMayWriteIsRefused() throws {
    let root = try TestScratch.make("open-cache")
    chmod(root, 0o777)
    let error = fetchError { _ = try makeFetcher(cache: root).prepare(request) }
    #expect(error?.message.contains("writable by every user") == true, "\(String(describing: error))")
    #expect(TestScratch.entries(root + "/trees").isEmpty)
  }

  @Test(.enabled(if: geteuid() == 0, "only root can give a folder to another user"))
  func aCacheOfAnotherUserIsRefused() throws {
    let root = try TestScratch.make("foreign-cache")
    chown(root, 65534, 65534)
    let error = fetchError { _ = try makeFetcher(cache: root).prepare(request) }
    #expect(error?.message.contains("belongs to another user") == true, "\(String(describing: error))")
  }
}
