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

  /// The version a Kraftfile or command line names: one the recipe lists, or a channel
  /// (`channels`); nil asks for the default. A version literally called like a channel wins.
  public func version(_ name: String?) -> UpstreamVersion? {
    let wanted = name ?? defaultVersion
    if let exact = versions.first(where: { $0.version == wanted }) { return exact }
    switch wanted {
    case "stable": return versions.first { $0.version == defaultVersion }
    case "staging", "latest": return newest
    default: return nil
    }
  }

  /// The names Unikraft's catalog writes instead of a version (`version: stable`):
  /// `stable` is the recipe's default version, `staging` and `latest` the newest it lists.
  public static let channels = ["stable", "staging", "latest"]

  /// The highest version the recipe lists, comparing numbers as numbers (`3.0.20` > `3.0.9`).
  public var newest: UpstreamVersion? {
    versions.max { Self.precedes($0.version, $1.version) }
  }

  /// "port 'musl' has no version '1.2.9'; did you mean ...; known versions: '1.2.3'; channels:
  /// 'stable' (1.2.3), 'staging' and 'latest' (1.2.5)".
  public func unknownVersionMessage(_ requested: String, port: String) -> String {
    let known = versions.map(\.version)
    let latest = newest?.version ?? defaultVersion
    return "port '\(port)' has no version '\(requested)'"
      + Suggestion.hint(for: requested, in: known + Self.channels, listUpTo: 0)
      + "; known versions: " + known.map { "'\($0)'" }.joined(separator: ", ")
      + "; channels: 'stable' (\(defaultVersion)), 'staging' and 'latest' (\(latest))"
  }

  /// Version order: split at '.', '-', '_' and '+'; numeric parts compare as numbers, others
  /// as text, a number before a word; when one is a prefix of the other, the shorter first.
  public static func precedes(_ a: String, _ b: String) -> Bool {
    let separators: (Character) -> Bool = { ".-_+".contains($0) }
    let left = a.split(whereSeparator: separators)
    let right = b.split(whereSeparator: separators)
    for (x, y) in zip(left, right) where x != y {
      switch (Int(x), Int(y)) {
      case let (x?, y?): return x < y
      case (_?, nil): return true
      case (nil, _?): return false
      case (nil, nil): return x < y
      }
    }
    return left.count < right.count
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
  /// How to find this release among Debian's source packages: a hint for
  /// `scripts/debian-mirror.sh` beside `archive`, or the upstream itself when the version names
  /// neither `archive` nor `git`.
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

  /// The name kraft gives the file when a Debian source package is the upstream itself (a
  /// version with no `archive` or `git`): `debian:<package>/<version>/<file>`. Mirrors map the
  /// `debian:` prefix to a folder or server; without one the machine's apt sources are used.
  /// No distributor's host appears in it.
  public var url: String { "debian:\(package)/\(version)/\(orig)" }

  /// The parts of a `debian:` URL, or nil for any other URL.
  public init?(url: String) {
    guard url.hasPrefix("debian:") else { return nil }
    let parts = url.dropFirst(7).split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 3, !parts.contains(where: \.isEmpty) else { return nil }
    self.init(package: String(parts[0]), version: String(parts[1]), orig: String(parts[2]))
  }
}
