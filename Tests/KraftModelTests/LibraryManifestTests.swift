import KraftModel
import Testing

@Suite struct LibraryManifestTests {
  @Test func aRequirementIsMetByNameOrByCapability() {
    let musl = LibraryManifest(
      name: "musl", kind: .port, provides: ["libc", "posix-libc"], directory: "/p/musl")
    #expect(musl.meets("musl"))
    #expect(musl.meets("libc"))
    #expect(!musl.meets("posix"))
    #expect(!musl.meets("mus"))
  }
}
