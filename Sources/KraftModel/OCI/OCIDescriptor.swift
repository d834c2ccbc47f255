/// An OCI content descriptor: what a manifest or index says about one blob. Field names and
/// optionality follow the image spec v1.1 so the JSON round-trips with registries and tools.
public struct OCIDescriptor: Hashable, Sendable, Codable {
  public var mediaType: String
  public var digest: OCIDigest
  public var size: Int64
  public var annotations: [String: String]?
  /// Only in an index's `manifests`: which platform the manifest is for.
  public var platform: OCIPlatform?
  /// The artifact type of the manifest it points to (v1.1, used by referrers).
  public var artifactType: String?

  public init(
    mediaType: String, digest: OCIDigest, size: Int64, annotations: [String: String]? = nil,
    platform: OCIPlatform? = nil, artifactType: String? = nil
  ) {
    self.mediaType = mediaType
    self.digest = digest
    self.size = size
    self.annotations = annotations
    self.platform = platform
    self.artifactType = artifactType
  }
}

/// The platform of an index entry (or of an image manifest's config descriptor, where kraftkit
/// reads it). kraft writes kraftkit's names, Unikraft's (`x86_64`, `arm64`; `os`: `qemu`,
/// `fc`), and reads Go's `amd64` too.
public struct OCIPlatform: Hashable, Sendable, Codable {
  public var architecture: String
  public var os: String
  public var osVersion: String?
  public var osFeatures: [String]?
  public var variant: String?

  enum CodingKeys: String, CodingKey {
    case architecture, os, variant
    case osVersion = "os.version"
    case osFeatures = "os.features"
  }

  public init(
    architecture: String, os: String, osVersion: String? = nil, osFeatures: [String]? = nil,
    variant: String? = nil
  ) {
    self.architecture = architecture
    self.os = os
    self.osVersion = osVersion
    self.osFeatures = osFeatures
    self.variant = variant
  }
}
