import CLibCrypto

/// SHA-256 through the system's libcrypto (OpenSSL), streaming. kraft hashes archives, trees
/// and patch sets with it; OpenSSL's assembly is many times faster than portable code, and
/// hashing is most of what `kraft fetch` does on a warm mirror.
public struct SHA256: Sendable {
  /// A plain C struct: copying the hasher copies its state, as a value type should.
  private var context = SHA256_CTX()

  public init() { SHA256_Init(&context) }

  public mutating func update(_ text: String) {
    var text = text
    text.withUTF8 { update(UnsafeRawBufferPointer($0)) }
  }

  /// Hashes a contiguous block in one call: archives are large.
  public mutating func update(_ bytes: UnsafeRawBufferPointer) {
    guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
    SHA256_Update(&context, base, bytes.count)
  }

  public mutating func update(_ bytes: [UInt8]) {
    bytes.withUnsafeBytes { update($0) }
  }

  /// Ends the hash; returns 32 bytes.
  public mutating func finalize() -> [UInt8] {
    var digest = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
    SHA256_Final(&digest, &context)
    return digest
  }

  /// Lower-case hex of the digest, as `sha256sum` prints it.
  public mutating func finalizeHex() -> String { Self.hex(finalize()) }

  public static func hex(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count * 2)
    for byte in bytes {
      out.append(digits[Int(byte >> 4)])
      out.append(digits[Int(byte & 0x0f)])
    }
    return String(decoding: out, as: UTF8.self)
  }

  public static func hex(of bytes: [UInt8]) -> String {
    var hasher = SHA256()
    hasher.update(bytes)
    return hasher.finalizeHex()
  }

  public static func hex(of text: String) -> String { hex(of: Array(text.utf8)) }
}
