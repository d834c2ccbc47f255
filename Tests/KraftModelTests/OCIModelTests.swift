import Foundation
import Testing

@testable import KraftModel

@Suite struct OCIModelTests {
  private let hex = String(repeating: "ab", count: 32)

  @Test func digestParsesOnlyLowerCaseSHA256() {
    #expect(OCIDigest(parsing: "sha256:" + hex)?.hex == hex)
    #expect(OCIDigest(parsing: "sha256:" + hex.uppercased()) == nil)
    #expect(OCIDigest(parsing: "sha512:" + hex) == nil)
    #expect(OCIDigest(parsing: "sha256:" + hex.dropLast()) == nil)
    #expect(OCIDigest(parsing: hex) == nil)
  }

  @Test func digestNamesItsLayoutPath() throws {
    let digest = try #require(OCIDigest(sha256Hex: hex))
    #expect(digest.description == "sha256:" + hex)
    #expect(digest.layoutPath == "blobs/sha256/" + hex)
  }

  @Test func indexRoundTripsWithTheSpecsFieldNames() throws {
    let digest = try #require(OCIDigest(sha256Hex: hex))
    let index = OCIImageIndex(manifests: [
      OCIDescriptor(
        mediaType: OCIMediaType.imageManifest, digest: digest, size: 7,
        platform: OCIPlatform(architecture: "amd64", os: "qemu", osVersion: "1"))
    ])
    let data = try JSONEncoder().encode(index)
    let text = try #require(String(data: data, encoding: .utf8))
    #expect(text.contains(#""os.version":"1""#))
    #expect(text.contains(#""schemaVersion":2"#))
    #expect(try JSONDecoder().decode(OCIImageIndex.self, from: data) == index)
  }

  @Test func aForeignDigestIsADecodingError() {
    let json = #"{"mediaType":"x","digest":"md5:00","size":1}"#
    #expect(throws: DecodingError.self) {
      try JSONDecoder().decode(OCIDescriptor.self, from: Data(json.utf8))
    }
  }
}
