import KraftBasics
import Testing

@Suite struct ByteSearchTests {
  @Test func findsTheFirstOccurrenceOfTheBytes() {
    let line = "obj/musl/src/a.o:(.text.memcpy) and obj/b.o:(.data)"
    let found = line.byteRange(of: ":(")
    #expect(found.map { String(line[..<$0.lowerBound]) } == "obj/musl/src/a.o")
    #expect(found.map { String(line[$0]) } == ":(")
    #expect(line.byteRange(of: ":)") == nil)
    #expect(line.byteRange(of: "") == line.startIndex..<line.startIndex)
    #expect("ab".byteRange(of: "abc") == nil)
  }

  @Test func searchesASubstringFromItsOwnStart() {
    let path = "/work/out/out/obj"
    let rest = path[path.index(path.startIndex, offsetBy: 6)...]  // "out/out/obj"
    let found = rest.byteRange(of: "out/obj")
    #expect(found.map { String(path[$0.lowerBound...]) } == "out/obj")
    #expect(found.map { path.distance(from: path.startIndex, to: $0.lowerBound) } == 10)
  }

  @Test func comparesBytesNotCanonicalCharacters() {
    // "é" precomposed (U+00E9) and decomposed (e + U+0301) are equal Characters but not
    // equal bytes: a path holds one or the other, never both.
    let decomposed = "cafe\u{301}/x"
    #expect(decomposed.byteRange(of: "caf\u{e9}") == nil)
    #expect(decomposed.byteRange(of: "e\u{301}/") != nil)
  }
}
