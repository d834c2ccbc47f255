/// `Kraftfile.lock`: what every external source of a project resolved to, so that a build
/// uses exactly the same bytes later and elsewhere. Entries are kept sorted by name so the
/// file is written identically every time.
public struct Lockfile: Hashable, Sendable, Codable {
  public static let formatVersion = 1

  public private(set) var entries: [LockfileEntry]

  public init(entries: [LockfileEntry] = []) {
    self.entries = entries.sorted { $0.name < $1.name }
  }

  public subscript(name: String) -> LockfileEntry? {
    entries.first { $0.name == name }
  }

  /// Adds or replaces the entry with the same name.
  public mutating func set(_ entry: LockfileEntry) {
    entries.removeAll { $0.name == entry.name }
    entries.append(entry)
    entries.sort { $0.name < $1.name }
  }

  public mutating func remove(_ name: String) {
    entries.removeAll { $0.name == name }
  }
}

/// One library's resolved source.
public struct LockfileEntry: Hashable, Sendable, Codable {
  public enum Kind: String, Hashable, Sendable, Codable, CaseIterable {
    case archive, git
  }

  public var name: String
  /// The port version, or the git ref a Kraftfile asked for.
  public var version: String
  public var kind: Kind
  /// The upstream URL (never a mirror's: mirrors are a property of the machine).
  public var url: String
  public var pin: UpstreamPin
  /// sha256 over the patch set (see docs/ports.md); nil when the port has no patches.
  public var patchSetHash: String?

  public init(
    name: String, version: String, kind: Kind, url: String, pin: UpstreamPin,
    patchSetHash: String? = nil
  ) {
    self.name = name
    self.version = version
    self.kind = kind
    self.url = url
    self.pin = pin
    self.patchSetHash = patchSetHash
  }
}
