import Foundation
import KraftBasics
import KraftModel

/// What a pull did.
public struct RegistryPullReport: Equatable, Sendable {
  public var root: OCIDescriptor
  public var downloadedBlobs = 0
  public var downloadedBytes: Int64 = 0
  public var cachedBlobs = 0
  public var manifests = 0
  /// Artifact manifests attached to the image (release manifest, SBOM, ...) that were stored.
  public var referrers = 0
}

/// Pulls an image (an index with its manifests, or one manifest) from a registry into an OCI
/// layout (kraft's content-addressed store). Every manifest and blob is verified against its
/// digest as it arrives; blobs wait in temporary files until all of them are verified, and
/// only then enter the layout (with the manifests, and the name last) under the layout's
/// lock. A corrupt or missing blob therefore fails the pull with nothing stored.
public struct RegistryPuller {
  public let layout: OCILayout
  public let client: RegistryClient
  public var progress: ((String) -> Void)?

  public init(layout: OCILayout, client: RegistryClient, progress: ((String) -> Void)? = nil) {
    self.layout = layout
    self.client = client
    self.progress = progress
  }

  /// Pulls `reference` and names it `localName` in the layout.
  public func pull(_ reference: OCIReference, as localName: String) throws -> RegistryPullReport {
    let repository = reference.repository
    let root = try client.fetchManifest(repository, reference.manifestReference)
    var documents = [root]
    if RegistryPusher.isIndex(root.mediaType) {
      for child in try decode(OCIImageIndex.self, root).manifests {
        let fetched = try client.fetchManifest(repository, child.digest.description)
        guard child.size == Int64(fetched.data.count) else {
          throw FetchError(
            .verificationFailed,
            "the manifest '\(child.digest)' of '\(reference)' is \(fetched.data.count) bytes, "
              + "its index says \(child.size); nothing was stored")
        }
        documents.append(fetched)
      }
    }
    let referrers = try fetchReferrers(of: documents, repository)
    documents += referrers.map(\.document)
    var blobs: [OCIDescriptor] = []
    for document in documents where !RegistryPusher.isIndex(document.mediaType) {
      let manifest = try decode(OCIImageManifest.self, document)
      for blob in [manifest.config] + manifest.layers where !blobs.contains(blob) {
        blobs.append(blob)
      }
    }
    var report = RegistryPullReport(
      root: root.descriptor, manifests: documents.count - referrers.count, referrers: referrers.count)
    try layout.create()
    var downloaded: [(path: String, blob: OCIDescriptor)] = []
    do {
      for blob in blobs where !layout.hasBlob(blob.digest) {
        let data = try client.fetchBlob(repository, blob)
        let path = try layout.temporaryBlobPath()
        downloaded.append((path, blob))
        try layout.fileSystem.createFile(path, contents: data, permissions: 0o644)
        report.downloadedBlobs += 1
        report.downloadedBytes += Int64(data.count)
        progress?("downloaded \(blob.digest) (\(data.count) bytes)")
      }
    } catch {
      for file in downloaded { try? layout.fileSystem.remove(file.path) }
      throw error
    }
    report.cachedBlobs = blobs.count - report.downloadedBlobs
    try layout.locked { locked in
      for file in downloaded {
        try layout.adoptBlob(at: file.path, expected: file.blob.digest, expectedSize: file.blob.size)
      }
      // The manifests' exact bytes: their digests are over them.
      for document in documents.reversed() {
        try layout.writeBlob(document.data, mediaType: document.mediaType)
      }
      try locked.tag(localName, root.descriptor)
      for referrer in referrers { try locked.addReferrer(referrer.descriptor) }
    }
    return report
  }

  /// The referrers of the image's manifests (and of its index) as the registry lists them
  /// (its referrers API, or the tag schema), each fetched by digest, verified, and kept only
  /// when its `subject` really is the manifest it was listed for: the list itself is not
  /// content-addressed, so a registry cannot attach an artifact by listing it.
  private func fetchReferrers(of subjects: [FetchedManifest], _ repository: String) throws
    -> [(descriptor: OCIDescriptor, document: FetchedManifest)]
  {
    var found: [(descriptor: OCIDescriptor, document: FetchedManifest)] = []
    for subject in subjects {
      for listed in try client.referrers(repository, of: subject.digest).descriptors
      where listed.mediaType == OCIMediaType.imageManifest
        && !found.contains(where: { $0.descriptor.digest == listed.digest })
      {
        let fetched = try client.fetchManifest(repository, listed.digest.description)
        let manifest = try decode(OCIImageManifest.self, fetched)
        guard manifest.subject?.digest == subject.digest else {
          progress?("ignored the referrer \(listed.digest): its subject is not \(subject.digest)")
          continue
        }
        var descriptor = fetched.descriptor
        descriptor.mediaType = OCIMediaType.imageManifest
        descriptor.artifactType = manifest.artifactType ?? manifest.config.mediaType
        found.append((descriptor, fetched))
      }
    }
    return found
  }

  private func decode<T: Decodable>(_ type: T.Type, _ document: FetchedManifest) throws -> T {
    do {
      return try CanonicalJSON.decode(type, from: document.data)
    } catch {
      throw FetchError(
        .invalidInput,
        "the registry's '\(document.digest)' is not a valid \(T.self): \(error); nothing was stored")
    }
  }
}
