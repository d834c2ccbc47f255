import Foundation
import KraftBasics
import KraftModel

/// What a push did: how many blobs were sent, found present or mounted, and which manifests
/// the registry had to store. Pushing the same image twice sends nothing the second time.
public struct RegistryPushReport: Equatable, Sendable {
  public var digest: OCIDigest
  public var uploadedBlobs = 0
  public var uploadedBytes: Int64 = 0
  public var presentBlobs = 0
  public var mountedBlobs = 0
  public var storedManifests = 0
  /// Artifact manifests (release manifest, SBOM) pushed with the image, present or not.
  public var referrers = 0
  public var tagUpdated = false
}

/// Pushes an image (an index and its manifests, or one manifest) from an OCI layout to a
/// repository. Children go before their parents and the tag last, so the registry never
/// has a tag or manifest that points at something missing: an interrupted push leaves at
/// most unreferenced blobs, and running it again finds them (HEAD) and sends the rest.
public struct RegistryPusher {
  public let layout: OCILayout
  public let client: RegistryClient
  /// Called with a line per blob or manifest sent (`uploaded sha256:… (123 bytes)`).
  public var progress: ((String) -> Void)?

  public init(layout: OCILayout, client: RegistryClient, progress: ((String) -> Void)? = nil) {
    self.layout = layout
    self.client = client
    self.progress = progress
  }

  public func push(
    _ root: OCIDescriptor, to reference: OCIReference, mountFrom: String? = nil
  ) throws -> RegistryPushReport {
    var report = RegistryPushReport(digest: root.digest)
    let repository = reference.repository
    let children: [OCIDescriptor]
    if Self.isIndex(root.mediaType) {
      children = try layout.readIndex(root.digest).manifests
    } else {
      children = []
    }
    // Referrers (a release's manifest and SBOM) whose subject is one of the image's manifests
    // go with it, after their subject and before the tag.
    let referrersBySubject = try (children + [root]).map { subject in
      (subject: subject.digest, referrers: try layout.referrers(of: subject.digest))
    }.filter { !$0.referrers.isEmpty }
    let referrers = referrersBySubject.flatMap(\.referrers)
    report.referrers = referrers.count
    for manifestDescriptor in children + (children.isEmpty ? [root] : []) + referrers {
      let manifest = try layout.readManifest(manifestDescriptor.digest)
      for blob in [manifest.config] + manifest.layers {
        let data = try layout.readBlob(blob.digest)
        switch try client.pushBlob(repository, data: data, digest: blob.digest, mountFrom: mountFrom) {
        case .present: report.presentBlobs += 1
        case .mounted:
          report.mountedBlobs += 1
          progress?("mounted \(blob.digest) from '\(mountFrom ?? "")'")
        case .uploaded:
          report.uploadedBlobs += 1
          report.uploadedBytes += Int64(data.count)
          progress?("uploaded \(blob.digest) (\(data.count) bytes)")
        }
      }
      if manifestDescriptor.digest != root.digest {
        try pushManifest(manifestDescriptor, repository, manifestDescriptor.digest.description, &report)
      }
    }
    // A registry without the referrers API lists them only in the tag schema's index.
    for (subject, attached) in referrersBySubject {
      let described = try attached.map(referrerDescriptor)
      if try client.listReferrers(described, of: subject, in: repository) {
        report.storedManifests += 1
        progress?("listed \(described.count) referrers in '\(RegistryClient.referrersTag(subject))'")
      }
    }
    // The root last, by tag (or by digest for a digest-only reference).
    let rootReference = reference.tag ?? root.digest.description
    if try client.manifestDescriptor(repository, rootReference)?.digest != root.digest {
      try pushManifest(root, repository, rootReference, &report)
      report.tagUpdated = reference.tag != nil
    }
    return report
  }

  private func pushManifest(
    _ descriptor: OCIDescriptor, _ repository: String, _ reference: String,
    _ report: inout RegistryPushReport
  ) throws {
    if reference == descriptor.digest.description,
      try client.manifestDescriptor(repository, reference) != nil
    {
      return
    }
    let data = try layout.readBlob(descriptor.digest)
    try client.pushManifest(repository, reference, data: data, mediaType: descriptor.mediaType)
    report.storedManifests += 1
    progress?("stored manifest \(descriptor.digest) as '\(reference)'")
  }

  /// A referrer as a referrers list describes it: with its manifest's `artifactType` and
  /// annotations (what clients filter on without fetching it).
  func referrerDescriptor(_ entry: OCIDescriptor) throws -> OCIDescriptor {
    let manifest = try layout.readManifest(entry.digest)
    return OCIDescriptor(
      mediaType: entry.mediaType, digest: entry.digest, size: entry.size,
      annotations: manifest.annotations, artifactType: manifest.artifactType ?? manifest.config.mediaType)
  }

  public static func isIndex(_ mediaType: String) -> Bool {
    mediaType == OCIMediaType.imageIndex || mediaType.hasSuffix("manifest.list.v2+json")
  }
}
