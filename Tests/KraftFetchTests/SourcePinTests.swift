import KraftFetch
import Testing

@Suite struct SourcePinTests {
  @Test func emptyOnlyWithoutHashes() {
    #expect(SourcePin().isEmpty)
    #expect(!SourcePin(treeHash: "abc").isEmpty)
  }
}
