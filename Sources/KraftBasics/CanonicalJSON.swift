import Foundation

/// The one JSON encoding kraft uses for content-addressed documents (OCI manifests,
/// indexes and configs): compact, keys sorted, slashes unescaped.
/// A digest is taken over these exact bytes, so the same document always has the same digest
/// (what makes `kraft pkg` of a release build deterministic).
public enum CanonicalJSON {
  public static func encode<T: Encodable>(_ value: T) throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return try encoder.encode(value)
  }

  public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
    try JSONDecoder().decode(type, from: data)
  }
}
