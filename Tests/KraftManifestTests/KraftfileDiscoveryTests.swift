import KraftManifest
import Testing

@Suite struct KraftfileDiscoveryTests {
  @Test func prefersKraftYamlOverKraftfile() {
    let present: Set = ["/p/Kraftfile", "/p/kraft.yaml"]
    #expect(KraftfileDiscovery.find(in: "/p/", fileExists: present.contains) == "/p/kraft.yaml")
  }

  @Test func noneFound() {
    #expect(KraftfileDiscovery.find(in: "/p", fileExists: { _ in false }) == nil)
  }
}
