import KraftBasics
import Testing

@Suite struct SHA256Tests {
  @Test func knownVectors() {
    #expect(
      SHA256.hex(of: "") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    #expect(
      SHA256.hex(of: "abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    // Two blocks: the padding spills into a second block.
    #expect(
      SHA256.hex(of: "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
        == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
  }

  @Test func streamingMatchesOneShot() {
    let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
    var hasher = SHA256()
    for chunk in stride(from: 0, to: bytes.count, by: 37) {
      hasher.update(Array(bytes[chunk..<min(chunk + 37, bytes.count)]))
    }
    #expect(hasher.finalizeHex() == SHA256.hex(of: bytes))
    // A million 'a's: the FIPS 180-2 long-message vector.
    var long = SHA256()
    let block = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
    for _ in 0..<1000 { long.update(block) }
    #expect(long.finalizeHex() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
  }

  /// The hasher is a value: a copy continues independently of the original.
  @Test func aCopyKeepsItsOwnState() {
    var first = SHA256()
    first.update("ab")
    var second = first
    first.update("c")
    second.update("d")
    #expect(first.finalizeHex() == SHA256.hex(of: "abc"))
    #expect(second.finalizeHex() == SHA256.hex(of: "abd"))
  }
}
