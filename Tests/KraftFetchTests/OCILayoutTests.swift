import Foundation
import KraftBasics
import KraftModel
import Testing

@testable import KraftFetch

/// The OCI image layout store: atomic, verified blobs; names in index.json; garbage collection.
@Suite struct OCILayoutTests {
  func freshLayout() throws -> OCILayout {
    let layout = OCILayout(root: try TestScratch.make("oci") + "/layout")
    try layout.create()
    return layout
  }

  /// A manifest with a config and one layer, stored; returns its descriptor and blob digests.
  func storeImage(_ layout: OCILayout, kernel: String) throws -> (OCIDescriptor, [OCIDigest]) {
    let config = try layout.writeBlob(Data("{}".utf8), mediaType: OCIMediaType.imageConfig)
    let layer = try layout.writeBlob(Data(kernel.utf8), mediaType: OCIMediaType.unikraftImage)
    let manifest = try layout.writeManifest(OCIImageManifest(config: config, layers: [layer]))
    return (manifest, [manifest.digest, config.digest, layer.digest])
  }

  @Test func aNewLayoutHasTheMarkerAndAnEmptyIndex() throws {
    let layout = try freshLayout()
    let marker = try String(contentsOfFile: layout.layoutMarkerPath, encoding: .utf8)
    #expect(marker == #"{"imageLayoutVersion":"1.0.0"}"#)
    #expect(try layout.readIndexFile().manifests.isEmpty)
    #expect(try layout.references().isEmpty)
    try layout.create()  // again: an existing layout is accepted as it is
  }

  @Test func aFolderWithOtherContentIsRefused() throws {
    let folder = try TestScratch.make("oci-other")
    try "x".write(toFile: folder + "/notes.txt", atomically: true, encoding: .utf8)
    #expect(throws: FetchError.self) { try OCILayout(root: folder).create() }
    #expect(!FileManager.default.fileExists(atPath: folder + "/index.json"))
  }

  @Test func aBlobIsStoredUnderItsSha256AndReadBackVerified() throws {
    let layout = try freshLayout()
    let data = Data("kernel bytes".utf8)
    let descriptor = try layout.writeBlob(data, mediaType: OCIMediaType.unikraftImage)
    #expect(descriptor.digest.hex == SHA256.hex(of: "kernel bytes"))
    #expect(descriptor.size == Int64(data.count))
    #expect(layout.hasBlob(descriptor.digest))
    #expect(try layout.readBlob(descriptor.digest) == data)
    // No temporary file is left beside the blob.
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: layout.root + "/blobs/sha256")
        == [descriptor.digest.hex])
  }

  @Test func aCorruptBlobIsReportedAndRemoved() throws {
    let layout = try freshLayout()
    let descriptor = try layout.writeBlob(Data("original".utf8), mediaType: "x")
    try "tampered".write(
      toFile: layout.blobPath(descriptor.digest), atomically: true, encoding: .utf8)
    let error = #expect(throws: FetchError.self) { try layout.readBlob(descriptor.digest) }
    #expect(error?.kind == .verificationFailed)
    #expect(!layout.hasBlob(descriptor.digest))
    #expect(throws: FetchError.self) { try layout.readBlob(descriptor.digest) }
  }

  @Test func anAdoptedDownloadIsCheckedBeforeItBecomesABlob() throws {
    let layout = try freshLayout()
    let good = Data("layer".utf8)
    let digest = OCILayout.digest(of: good)

    let wrong = try layout.temporaryBlobPath()
    try Data("other".utf8).write(to: URL(fileURLWithPath: wrong))
    #expect(throws: FetchError.self) { try layout.adoptBlob(at: wrong, expected: digest) }
    #expect(!layout.hasBlob(digest))
    #expect(!FileManager.default.fileExists(atPath: wrong))

    let short = try layout.temporaryBlobPath()
    try good.write(to: URL(fileURLWithPath: short))
    #expect(throws: FetchError.self) {
      try layout.adoptBlob(at: short, expected: digest, expectedSize: 99)
    }
    #expect(!layout.hasBlob(digest))

    let right = try layout.temporaryBlobPath()
    try good.write(to: URL(fileURLWithPath: right))
    try layout.adoptBlob(at: right, expected: digest, expectedSize: Int64(good.count))
    #expect(try layout.readBlob(digest) == good)
    #expect(try layout.blobDigests() == [digest])  // the hidden partial names are not blobs
  }

  @Test func manifestsAreCanonicalSoTheSameImageHasTheSameDigest() throws {
    let first = try storeImage(try freshLayout(), kernel: "k").0
    let second = try storeImage(try freshLayout(), kernel: "k").0
    #expect(first.digest == second.digest)
    let layout = try freshLayout()
    let (manifest, _) = try storeImage(layout, kernel: "k")
    #expect(try layout.readManifest(manifest.digest).layers.count == 1)
  }

  @Test func tagsAreNamesInIndexJsonAndReplaceEachOther() throws {
    let layout = try freshLayout()
    let (one, _) = try storeImage(layout, kernel: "one")
    let (two, _) = try storeImage(layout, kernel: "two")
    try layout.tag("hello:latest", one)
    try layout.tag("hello:1.0", one)
    try layout.tag("hello:latest", two)
    #expect(try layout.references().map(\.name) == ["hello:1.0", "hello:latest"])
    #expect(try layout.resolve("hello:latest")?.digest == two.digest)
    #expect(try layout.resolve("hello:1.0")?.digest == one.digest)
    #expect(try layout.resolve("absent") == nil)
    #expect(throws: FetchError.self) { try layout.tag("bad name!", one) }
    #expect(throws: FetchError.self) { try layout.tag("/leading", one) }
  }

  @Test func referenceNamesFollowTheSpecGrammar() {
    for name in ["latest", "hello:latest", "team.example/nginx:1.22", "a--b", "v1.0+build"] {
      #expect(OCILayout.isValidReferenceName(name), "\(name)")
    }
    for name in ["", "a b", "a/", "-a", "a:", "é", "a//b"] {
      #expect(!OCILayout.isValidReferenceName(name), "\(name)")
    }
  }

  @Test func removingAReferenceCollectsOnlyWhatNothingElseReaches() throws {
    let layout = try freshLayout()
    let (one, oneBlobs) = try storeImage(layout, kernel: "one")
    let (two, twoBlobs) = try storeImage(layout, kernel: "two")
    let platformIndex = try layout.writeIndex(OCIImageIndex(manifests: [one, two]))
    try layout.tag("multi:latest", platformIndex)
    try layout.tag("single:latest", one)
    // A referrer of manifest two (an artifact with a subject), kept while two lives.
    let sbom = try layout.writeBlob(Data("sbom".utf8), mediaType: "application/spdx+json")
    let empty = try layout.writeBlob(Data("{}".utf8), mediaType: OCIMediaType.empty)
    let referrer = try layout.writeManifest(
      OCIImageManifest(
        config: empty, layers: [sbom], artifactType: "application/spdx+json", subject: two))
    try layout.locked { try $0.addReferrer(referrer) }
    let stray = try layout.writeBlob(Data("stray".utf8), mediaType: "x")
    #expect(try layout.referrers(of: two.digest).map(\.digest) == [referrer.digest])
    #expect(try layout.referrers(of: one.digest).isEmpty)

    #expect(try layout.locked { try $0.collectGarbage() } == [stray.digest])

    #expect(try layout.removeReference("multi:latest"))
    #expect(!(try layout.removeReference("multi:latest")))
    // one is still named; two, its referrer and the index are gone, and so is the referrer's
    // entry in index.json.
    for digest in oneBlobs { #expect(layout.hasBlob(digest)) }
    for digest in twoBlobs.filter({ !oneBlobs.contains($0) }) { #expect(!layout.hasBlob(digest)) }
    #expect(!layout.hasBlob(platformIndex.digest))
    #expect(!layout.hasBlob(referrer.digest))
    #expect(!layout.hasBlob(sbom.digest))
    #expect(try layout.readIndexFile().manifests.map(\.digest) == [one.digest])

    #expect(try layout.removeReference("single:latest"))
    #expect(try layout.blobDigests().isEmpty)
  }

  @Test func garbageCollectionStopsAtACorruptDocumentAndRemovesNothingElse() throws {
    let layout = try freshLayout()
    let (one, oneBlobs) = try storeImage(layout, kernel: "one")
    try layout.tag("one", one)
    let stray = try layout.writeBlob(Data("stray".utf8), mediaType: "x")
    try "not json".write(toFile: layout.blobPath(one.digest), atomically: true, encoding: .utf8)
    #expect(throws: FetchError.self) { try layout.locked { try $0.collectGarbage() } }
    #expect(layout.hasBlob(stray.digest))
    for digest in oneBlobs.dropFirst() { #expect(layout.hasBlob(digest)) }
  }

  @Test func garbageCollectionRemovesDownloadsOfDeadProcessesOnly() throws {
    let layout = try freshLayout()
    let mine = try layout.temporaryBlobPath()
    try Data("in progress".utf8).write(to: URL(fileURLWithPath: mine))
    // A pid no process has (above the kernel's pid_max).
    let dead = layout.root + "/blobs/sha256/.partial-99999999-\(UUID().uuidString)"
    try Data("left by a killed pull".utf8).write(to: URL(fileURLWithPath: dead))
    try layout.locked { try $0.collectGarbage() }
    #expect(FileManager.default.fileExists(atPath: mine))
    #expect(!FileManager.default.fileExists(atPath: dead))
  }

  @Test func aStoreAnyoneMayWriteIsRefusedWithTheCache() throws {
    let cache = try TestScratch.make("oci-cache")
    let store = OCILayout(root: OCILayout.defaultRoot(environment: ["KRAFT_CACHE_DIR": cache]))
    try store.create()
    try SourceCache(root: cache).checkSafety()
    chmod(store.root + "/blobs/sha256", 0o777)
    let error = #expect(throws: FetchError.self) { try SourceCache(root: cache).checkSafety() }
    #expect(error?.message.contains("writable by every user") == true)
  }

  @Test func theDefaultStoreIsUnderTheCacheRoot() {
    #expect(OCILayout.defaultRoot(environment: ["KRAFT_CACHE_DIR": "/c"]) == "/c/oci")
    #expect(OCILayout.defaultRoot(environment: ["HOME": "/h"]) == "/h/.cache/kraft/oci")
  }
}
