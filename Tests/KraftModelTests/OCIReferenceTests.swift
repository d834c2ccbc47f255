import KraftModel
import Testing

@Suite struct OCIReferenceTests {
  @Test func aReferenceNamesHostRepositoryTagAndDigest() throws {
    let digest = "sha256:" + String(repeating: "ab", count: 32)
    let full = try OCIReference(parsing: "localhost:5000/apps/hello:1.0@\(digest)")
    #expect(full.registry == "localhost:5000" && full.host == "localhost")
    #expect(full.repository == "apps/hello" && full.tag == "1.0")
    #expect(full.digest?.description == digest)
    #expect(full.manifestReference == digest)
    #expect(full.description == "localhost:5000/apps/hello:1.0@\(digest)")

    let untagged = try OCIReference(parsing: "reg.test/hello")
    #expect(untagged.tag == "latest" && untagged.manifestReference == "latest")
    let pinned = try OCIReference(parsing: "reg.test/hello@\(digest)")
    #expect(pinned.tag == nil)
    #expect(try OCIReference(parsing: "[::1]:5000/hello:v1").host == "::1")
  }

  @Test func withoutAHostTheConfiguredDefaultIsUsedAndNoneIsGuessed() throws {
    #expect(try OCIReference(parsing: "team/hello:2", defaultRegistry: "reg.test").registry == "reg.test")
    #expect(throws: OCIReference.ParseError.self) { try OCIReference(parsing: "team/hello:2") }
    do {
      _ = try OCIReference(parsing: "hello")
    } catch {
      #expect("\(error)".contains("KRAFT_DEFAULT_REGISTRY"))
    }
  }

  @Test func badNamesTagsAndDigestsSayWhatIsWrong() {
    for text in [
      "reg.test/Hello", "reg.test/a..b", "reg.test/hello:-bad", "reg.test/hello@sha256:12",
      "reg.test/-a", "reg.test//a",
    ] {
      #expect(throws: OCIReference.ParseError.self, "\(text)") { try OCIReference(parsing: text) }
    }
    #expect((try? OCIReference(parsing: "reg.test/a__b/c-d--e.f_g:V1.0_rc-1")) != nil)
  }
}
