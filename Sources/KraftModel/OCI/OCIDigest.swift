/// A content digest as the OCI image spec writes it: `sha256:` and 64 lower-case hex digits.
/// kraft only produces and accepts sha256 (the one algorithm every registry must support), so
/// a digest read from a registry or a layout that names another algorithm is refused rather
/// than trusted unchecked.
public struct OCIDigest: Hashable, Sendable, Comparable, CustomStringConvertible {
  /// The 64 lower-case hex digits.
  public let hex: String

  /// `hex` must be 64 lower-case hex digits (what `SHA256.hex` gives).
  public init?(sha256Hex hex: String) {
    guard hex.utf8.count == 64, hex.utf8.allSatisfy(Self.isLowerHex) else { return nil }
    self.hex = hex
  }

  /// Parses `sha256:<hex>`; nil for anything else (another algorithm, upper case, wrong length).
  public init?(parsing text: String) {
    let prefix = "sha256:"
    guard text.hasPrefix(prefix) else { return nil }
    self.init(sha256Hex: String(text.dropFirst(prefix.count)))
  }

  public var description: String { "sha256:" + hex }

  /// `blobs/sha256/<hex>`: where an OCI image layout keeps the blob.
  public var layoutPath: String { "blobs/sha256/" + hex }

  public static func < (lhs: OCIDigest, rhs: OCIDigest) -> Bool { lhs.hex < rhs.hex }

  private static func isLowerHex(_ byte: UInt8) -> Bool {
    (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66)
  }
}

extension OCIDigest: Codable {
  public init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    let text = try container.decode(String.self)
    guard let digest = OCIDigest(parsing: text) else {
      throw DecodingError.dataCorruptedError(
        in: container, debugDescription: "not a sha256 digest: \(text)")
    }
    self = digest
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(description)
  }
}
