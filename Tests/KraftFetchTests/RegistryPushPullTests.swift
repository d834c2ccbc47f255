import Foundation
import KraftBasics
import KraftFetch
import KraftModel
import Testing

/// Push from one OCI layout and pull into another through the in-memory registry: what goes
/// over the wire, and what the store holds after a good and after a corrupt pull.
@Suite struct RegistryPushPullTests {
  static let reference = try! OCIReference(parsing: "registry.test:5000/apps/hello:1.0")

  /// A two-platform index (config and one layer each) named `reference` in a fresh layout.
  static func packagedLayout() throws -> (OCILayout, OCIDescriptor) {
    let layout = OCILayout(root: try TestScratch.make("layout") + "/oci")
    try layout.create()
    var manifests: [OCIDescriptor] = []
    for os in ["qemu", "fc"] {
      let config = try layout.writeBlob(Data("{\"os\":\"\(os)\"}".utf8), mediaType: OCIMediaType.imageConfig)
      let kernel = try layout.writeBlob(Data("kernel for \(os)".utf8), mediaType: OCIMediaType.layerTar)
      var descriptor = try layout.writeManifest(OCIImageManifest(config: config, layers: [kernel]))
      descriptor.platform = OCIPlatform(architecture: "amd64", os: os)
      manifests.append(descriptor)
    }
    let root = try layout.writeIndex(OCIImageIndex(manifests: manifests))
    try layout.tag(reference.description, root)
    return (layout, root)
  }

  /// Adds a release-manifest referrer whose subject is the index's first manifest.
  static func addReferrer(_ layout: OCILayout, _ root: OCIDescriptor) throws -> OCIDescriptor {
    var subject = try layout.readIndex(root.digest).manifests[0]
    subject.platform = nil
    let empty = try layout.writeBlob(Data("{}".utf8), mediaType: OCIMediaType.empty)
    let file = try layout.writeBlob(Data("{\"release\":1}".utf8), mediaType: OCIMediaType.kraftRelease)
    let referrer = try layout.writeManifest(
      OCIImageManifest(
        config: empty, layers: [file], artifactType: OCIMediaType.kraftRelease, subject: subject))
    try layout.locked { try $0.addReferrer(referrer) }
    return referrer
  }

  @Test func aSecondPushSendsNothingAndAPullStoresTheSameDigests() throws {
    let (layout, root) = try Self.packagedLayout()
    let fake = FakeRegistry(host: "registry.test:5000")
    let client = RegistryClient(registry: fake.host, transport: fake, credential: nil)
    let first = try RegistryPusher(layout: layout, client: client).push(root, to: Self.reference)
    #expect(first.uploadedBlobs == 4 && first.storedManifests == 3 && first.tagUpdated)
    fake.clearLog()
    let second = try RegistryPusher(layout: layout, client: client).push(root, to: Self.reference)
    #expect(second.uploadedBlobs == 0 && second.presentBlobs == 4 && second.storedManifests == 0)
    #expect(!fake.calls.contains { !$0.hasPrefix("HEAD") }, "\(fake.calls)")

    let store = OCILayout(root: try TestScratch.make("store") + "/oci")
    let pulled = try RegistryPuller(layout: store, client: client).pull(Self.reference, as: "hello")
    #expect(pulled.root.digest == root.digest && pulled.downloadedBlobs == 4 && pulled.manifests == 3)
    #expect(try store.resolve("hello")?.digest == root.digest)
    #expect(try store.blobDigests() == layout.blobDigests())
    // Pulled again: everything is in the store already.
    let again = try RegistryPuller(layout: store, client: client).pull(Self.reference, as: "hello")
    #expect(again.downloadedBlobs == 0 && again.cachedBlobs == 4)
  }

  @Test func referrersOfTheImageArePushedWithItByDigest() throws {
    let (layout, root) = try Self.packagedLayout()
    let referrer = try Self.addReferrer(layout, root)
    let fake = FakeRegistry(host: "registry.test:5000")
    let client = RegistryClient(registry: fake.host, transport: fake, credential: nil)
    let report = try RegistryPusher(layout: layout, client: client).push(root, to: Self.reference)
    // 3 image manifests, the referrer, and its tag schema index (the fake has no referrers API).
    #expect(report.referrers == 1 && report.uploadedBlobs == 6 && report.storedManifests == 5)
    #expect(try client.manifestDescriptor("apps/hello", referrer.digest.description) != nil)
    let again = try RegistryPusher(layout: layout, client: client).push(root, to: Self.reference)
    #expect(again.uploadedBlobs == 0 && again.storedManifests == 0 && again.referrers == 1)
  }

  @Test(arguments: [false, true])
  func aPullStoresTheReferrersFromTheAPIOrTheTagSchema(referrersAPI: Bool) throws {
    let (layout, root) = try Self.packagedLayout()
    let referrer = try Self.addReferrer(layout, root)
    let subject = try layout.readManifest(referrer.digest).subject!.digest
    let fake = FakeRegistry(host: "registry.test:5000")
    fake.referrersAPI = referrersAPI
    let client = RegistryClient(registry: fake.host, transport: fake, credential: nil)
    let pushed = try RegistryPusher(layout: layout, client: client).push(root, to: Self.reference)
    // Without the API the push lists the referrer in the tag `sha256-<hex>` of its subject.
    let tag = RegistryClient.referrersTag(subject)
    #expect((fake.manifests["apps/hello"]?[tag] != nil) == !referrersAPI)
    #expect(pushed.storedManifests == (referrersAPI ? 4 : 5))
    let again = try RegistryPusher(layout: layout, client: client).push(root, to: Self.reference)
    #expect(again.storedManifests == 0)

    let store = OCILayout(root: try TestScratch.make("store") + "/oci")
    let pulled = try RegistryPuller(layout: store, client: client).pull(Self.reference, as: "hello")
    #expect(pulled.referrers == 1 && pulled.manifests == 3 && pulled.downloadedBlobs == 6)
    let stored = try store.referrers(of: subject)
    #expect(stored.map(\.digest) == [referrer.digest])
    #expect(stored.first?.artifactType == OCIMediaType.kraftRelease)
    #expect(try store.blobDigests() == layout.blobDigests())
  }

  @Test func aListedReferrerOfAnotherSubjectIsNotStored() throws {
    let (layout, root) = try Self.packagedLayout()
    let referrer = try Self.addReferrer(layout, root)
    let fake = FakeRegistry(host: "registry.test:5000")
    let client = RegistryClient(registry: fake.host, transport: fake, credential: nil)
    _ = try RegistryPusher(layout: layout, client: client).push(root, to: Self.reference)
    // Someone lists the first platform's referrer under the index's tag too (the index is
    // asked about first).
    let other = root.digest
    var described = try layout.readIndexFile().manifests.first { $0.digest == referrer.digest }!
    described.annotations = nil
    try client.listReferrers([described], of: other, in: "apps/hello")
    let store = OCILayout(root: try TestScratch.make("store") + "/oci")
    let pulled = try RegistryPuller(layout: store, client: client).pull(Self.reference, as: "hello")
    #expect(pulled.referrers == 1)
    #expect(try store.referrers(of: other) == [])
  }

  @Test func aCorruptBlobFailsThePullAndStoresNothing() throws {
    let (layout, root) = try Self.packagedLayout()
    let fake = FakeRegistry(host: "registry.test:5000")
    let client = RegistryClient(registry: fake.host, transport: fake, credential: nil)
    _ = try RegistryPusher(layout: layout, client: client).push(root, to: Self.reference)
    let kernel = try layout.readManifest(try layout.readIndex(root.digest).manifests[1].digest).layers[0]
    fake.corruptBlobs.insert(kernel.digest.description)

    let storeRoot = try TestScratch.make("store") + "/oci"
    let store = OCILayout(root: storeRoot)
    let error = fetchError {
      _ = try RegistryPuller(layout: store, client: client).pull(Self.reference, as: "hello")
    }
    #expect(error?.kind == .verificationFailed)
    #expect(try store.blobDigests() == [])
    #expect(try store.references() == [])
    #expect(TestScratch.entries(storeRoot + "/blobs/sha256") == [])
  }

  @Test func aPushInterruptedBeforeTheTagRestartsAndFinishes() throws {
    let (layout, root) = try Self.packagedLayout()
    let fake = FakeRegistry(host: "registry.test:5000")
    let client = RegistryClient(registry: fake.host, transport: fake, credential: nil)
    // As if the first push stopped after one blob: the registry holds it and nothing else.
    let config = try layout.readManifest(try layout.readIndex(root.digest).manifests[0].digest).config
    _ = try client.pushBlob("apps/hello", data: layout.readBlob(config.digest), digest: config.digest)
    #expect(try client.manifestDescriptor("apps/hello", "1.0") == nil)
    let report = try RegistryPusher(layout: layout, client: client).push(root, to: Self.reference)
    #expect(report.presentBlobs == 1 && report.uploadedBlobs == 3)
    #expect(try client.manifestDescriptor("apps/hello", "1.0")?.digest == root.digest)
  }
}
