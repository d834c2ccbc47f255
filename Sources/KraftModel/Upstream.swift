/// Where a port's code comes from: the `upstream:` section of `Ports/<name>/port.yaml`.
/// Every version names at least one way to fetch it (a release archive, a git repository or
/// both) and the pins its fetched tree must match.
public struct Upstream: Hashable, Sendable, Codable {
  /// The version used when a Kraftfile names the port without one.
  public var defaultVersion: String
  /// In the order written.
  public var versions: [UpstreamVersion]

  public init(defaultVersion: String, versions: [UpstreamVersion]) {
    self.defaultVersion = defaultVersion
    self.versions = versions
  }

  public func version(_ name: String?) -> UpstreamVersion? {
    let wanted = name ?? defaultVersion
    return versions.first { $0.version == wanted }
  }
}

/// One pinned version of an upstream source.
public struct UpstreamVersion: Hashable, Sendable, Codable {
  public var version: String
  /// Release archive URL (`.tar.gz`, `.tar.xz`, `.tar.bz2`, `.zip`), preferred when present:
  /// one download, and Debian-style mirrors carry archives.
  public var archive: String?
  public var git: UpstreamGit?
  public var pin: UpstreamPin
  /// How to find this release among Debian's source packages (for `scripts/debian-mirror.sh`).
  public var debian: UpstreamDebianSource?
  public var location: SourceLocation?

  public init(
    version: String, archive: String? = nil, git: UpstreamGit? = nil, pin: UpstreamPin,
    debian: UpstreamDebianSource? = nil, location: SourceLocation? = nil
  ) {
    self.version = version
    self.archive = archive
    self.git = git
    self.pin = pin
    self.debian = debian
    self.location = location
  }
}

/// A git repository and the ref naming the release; the commit pin is what is trusted.
public struct UpstreamGit: Hashable, Sendable, Codable {
  public var url: String
  public var ref: GitReference?

  public init(url: String, ref: GitReference? = nil) {
    self.url = url
    self.ref = ref
  }
}

/// A Debian source package whose orig tarball is upstream's release archive, byte for byte.
public struct UpstreamDebianSource: Hashable, Sendable, Codable {
  /// Source package name, e.g. `musl`.
  public var package: String
  /// Debian version given to `apt-get source`, e.g. `1.2.3-1`.
  public var version: String
  /// The orig tarball's file name, e.g. `musl_1.2.3.orig.tar.gz`.
  public var orig: String

  public init(package: String, version: String, orig: String) {
    self.package = package
    self.version = version
    self.orig = orig
  }
}
