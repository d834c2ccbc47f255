import Foundation
import KraftModel

/// The software bill of materials of a release image, as an SPDX 2.3 JSON document: the
/// image itself, the application, every kernel library and every port, each with its
/// version, declared license and where it comes from, and what the image contains.
/// Everything in it derives from the release manifest (the creation time is the source
/// date), so it is as reproducible as the image.
public struct SBOMDocument: Encodable, Hashable, Sendable {
  public struct Package: Encodable, Hashable, Sendable {
    public var SPDXID: String
    public var name: String
    public var versionInfo: String
    public var downloadLocation: String
    public var filesAnalyzed = false
    public var licenseConcluded = "NOASSERTION"
    public var licenseDeclared: String
    public var copyrightText = "NOASSERTION"
    public var checksums: [Checksum]?
    public var primaryPackagePurpose: String
    public var comment: String?
  }

  public struct Checksum: Encodable, Hashable, Sendable {
    public var algorithm: String
    public var checksumValue: String
  }

  public struct CreationInfo: Encodable, Hashable, Sendable {
    public var created: String
    public var creators: [String]
  }

  public struct Relationship: Encodable, Hashable, Sendable {
    public var spdxElementId: String
    public var relationshipType: String
    public var relatedSpdxElement: String
  }

  public var spdxVersion = "SPDX-2.3"
  public var dataLicense = "CC0-1.0"
  public var SPDXID = "SPDXRef-DOCUMENT"
  public var name: String
  public var documentNamespace: String
  public var creationInfo: CreationInfo
  public var documentDescribes: [String]
  public var packages: [Package]
  public var relationships: [Relationship]

  /// `; prepared tree sha256:... by perl (This is perl 5...), make (GNU Make 4.3)`.
  static func prepared(_ port: ReleasePort) -> String {
    guard let tools = port.preparedWith, let tree = port.pin.preparedTree else { return "" }
    return "; prepared tree \(tree) by "
      + tools.map { "\($0.name) (\($0.version))" }.joined(separator: ", ")
  }

  /// The license of kraft's own kernel libraries: the project's (LICENSE at its root).
  static let kernelLicense = "Apache-2.0"

  public init(manifest: ReleaseManifest) {
    let imageID = "SPDXRef-Image"
    name = manifest.image.file
    // Unique per image content, as SPDX asks, and the same for the same image.
    documentNamespace =
      "https://spdx.kraft.invalid/\(Self.idPart(manifest.image.file))-\(manifest.image.sha256)"
    creationInfo = CreationInfo(
      created: Self.timestamp(manifest.sourceDateEpoch),
      creators: ["Tool: kraft-\(manifest.kraftVersion)"])
    documentDescribes = [imageID]

    var packages = [
      Package(
        SPDXID: imageID, name: manifest.image.file, versionInfo: manifest.project.treeHash,
        downloadLocation: "NOASSERTION", licenseDeclared: "NOASSERTION",
        checksums: [Checksum(algorithm: "SHA256", checksumValue: manifest.image.sha256)],
        primaryPackagePurpose: "OPERATING-SYSTEM",
        comment: "unikernel image for \(manifest.target); rebuild: \(manifest.rebuild.shellLine)"),
      Package(
        SPDXID: "SPDXRef-App-" + Self.idPart(manifest.project.name), name: manifest.project.name,
        versionInfo: manifest.project.treeHash, downloadLocation: "NOASSERTION",
        licenseDeclared: "NOASSERTION", primaryPackagePurpose: "APPLICATION",
        comment: "the application's folder; the version is its tree hash"),
    ]
    for library in manifest.kernelLibraries {
      packages.append(
        Package(
          SPDXID: "SPDXRef-Kernel-" + Self.idPart(library.name), name: library.name,
          versionInfo: manifest.kraftVersion, downloadLocation: "NOASSERTION",
          licenseDeclared: Self.kernelLicense, primaryPackagePurpose: "LIBRARY",
          comment: "kraft kernel library 'Kernel/\(library.path)', tree \(library.treeHash)"))
    }
    for port in manifest.ports {
      var checksums: [Checksum] = []
      if let archive = port.pin.archiveSHA256 {
        checksums.append(Checksum(algorithm: "SHA256", checksumValue: archive))
      }
      if let commit = port.pin.commit {
        checksums.append(Checksum(algorithm: "SHA1", checksumValue: commit))
      }
      let patches = port.patches.map { "\($0.path) sha256:\($0.sha256)" }
      packages.append(
        Package(
          SPDXID: "SPDXRef-Port-" + Self.idPart(port.name), name: port.name,
          versionInfo: port.version, downloadLocation: port.url,
          licenseDeclared: port.license ?? "NOASSERTION",
          checksums: checksums.isEmpty ? nil : checksums, primaryPackagePurpose: "LIBRARY",
          comment: "tree \(port.pin.treeHash ?? "unknown")"
            + (patches.isEmpty ? "" : "; patched with " + patches.joined(separator: ", "))
            + Self.prepared(port)))
    }
    self.packages = packages
    relationships =
      [Relationship(spdxElementId: SPDXID, relationshipType: "DESCRIBES", relatedSpdxElement: imageID)]
      + packages.dropFirst().map {
        Relationship(spdxElementId: imageID, relationshipType: "CONTAINS", relatedSpdxElement: $0.SPDXID)
      }
  }

  /// SPDX identifiers allow letters, digits, `.` and `-` only.
  static func idPart(_ text: String) -> String {
    String(text.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") ? $0 : "-" })
  }

  /// `1970-01-01T00:00:00Z`: SPDX's UTC time format.
  static func timestamp(_ seconds: Int) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'"
    return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
  }
}
