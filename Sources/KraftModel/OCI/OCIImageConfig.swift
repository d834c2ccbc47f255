/// The OCI image configuration (`application/vnd.oci.image.config.v1+json`) of one kernel,
/// with the fields kraftkit reads: the platform (`architecture`, `os` = Unikraft platform,
/// `os.version` = kernel version), the layers' diff IDs, and the command line. Tools such as
/// skopeo and umoci parse it, so it keeps the image spec's field names.
public struct OCIImageConfig: Hashable, Sendable, Codable {
  /// RFC 3339; absent when the build has no fixed date (so the digest does not change).
  public var created: String?
  public var architecture: String
  public var os: String
  public var osVersion: String?
  public var osFeatures: [String]?
  public var config: ExecutionConfig
  public var rootfs: RootFS

  public struct ExecutionConfig: Hashable, Sendable, Codable {
    public var cmd: [String]?
    public var env: [String]?

    enum CodingKeys: String, CodingKey {
      case cmd = "Cmd"
      case env = "Env"
    }

    public init(cmd: [String]? = nil, env: [String]? = nil) {
      self.cmd = cmd
      self.env = env
    }
  }

  public struct RootFS: Hashable, Sendable, Codable {
    public var type = "layers"
    public var diffIDs: [OCIDigest]

    enum CodingKeys: String, CodingKey {
      case type
      case diffIDs = "diff_ids"
    }

    public init(diffIDs: [OCIDigest]) { self.diffIDs = diffIDs }
  }

  enum CodingKeys: String, CodingKey {
    case created, architecture, os, config, rootfs
    case osVersion = "os.version"
    case osFeatures = "os.features"
  }

  public init(
    created: String?, platform: OCIPlatform, config: ExecutionConfig, diffIDs: [OCIDigest]
  ) {
    self.created = created
    self.architecture = platform.architecture
    self.os = platform.os
    self.osVersion = platform.osVersion
    self.osFeatures = platform.osFeatures
    self.config = config
    self.rootfs = RootFS(diffIDs: diffIDs)
  }
}

extension OCIPlatform {
  /// An image for `target`, named as kraftkit names it: Unikraft's architecture (`x86_64`,
  /// `arm64`, not Go's `amd64`) and platform (`qemu`, `fc`). kraftkit compares both verbatim
  /// with the host's Unikraft names when it picks a manifest, so Go's names would hide the
  /// image from it.
  public init(target: Target, kernelVersion: String?) {
    self.init(
      architecture: target.architecture.rawValue, os: target.platform.shortName,
      osVersion: kernelVersion)
  }

  /// The kraft target this platform names (`amd64` and `x86_64` alike), nil when kraft
  /// builds no such target.
  public var target: (platform: Platform, architecture: Architecture)? {
    guard let platform = Platform(name: os), let architecture = Architecture(name: architecture)
    else { return nil }
    return (platform, architecture)
  }
}

/// Where kraftkit puts a kernel's files inside its image (its `oci/wellknown.go`): the layer
/// tars hold them at these paths, and kraftkit's `kraft run` looks for them there.
public enum OCIWellKnownPath {
  public static let kernel = "/unikraft/bin/kernel"
  public static let initrd = "/unikraft/bin/initrd"
  public static let config = "/unikraft/bin/config"
}
