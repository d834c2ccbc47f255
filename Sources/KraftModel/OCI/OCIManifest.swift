/// An OCI image manifest (one platform's kernel, initrd and config) or, with `artifactType`
/// and `subject`, an artifact manifest such as a release manifest attached as a referrer.
public struct OCIImageManifest: Hashable, Sendable, Codable {
  public var schemaVersion: Int = 2
  public var mediaType: String = OCIMediaType.imageManifest
  public var artifactType: String?
  public var config: OCIDescriptor
  public var layers: [OCIDescriptor]
  public var subject: OCIDescriptor?
  public var annotations: [String: String]?

  public init(
    config: OCIDescriptor, layers: [OCIDescriptor], artifactType: String? = nil,
    subject: OCIDescriptor? = nil, annotations: [String: String]? = nil
  ) {
    self.config = config
    self.layers = layers
    self.artifactType = artifactType
    self.subject = subject
    self.annotations = annotations
  }
}

/// An OCI image index: one manifest per target of a multi-target Kraftfile. Also the shape of
/// an image layout's `index.json` and of a registry's referrers list.
public struct OCIImageIndex: Hashable, Sendable, Codable {
  public var schemaVersion: Int = 2
  public var mediaType: String? = OCIMediaType.imageIndex
  public var artifactType: String?
  public var manifests: [OCIDescriptor]
  public var subject: OCIDescriptor?
  public var annotations: [String: String]?

  public init(
    manifests: [OCIDescriptor], artifactType: String? = nil, subject: OCIDescriptor? = nil,
    annotations: [String: String]? = nil
  ) {
    self.manifests = manifests
    self.artifactType = artifactType
    self.subject = subject
    self.annotations = annotations
  }
}
