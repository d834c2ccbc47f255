import KraftManifest
import KraftModel
import Testing

@Suite struct PortRecipeParserTests {
  static let recipe = """
    name: widget
    kind: port
    sources: [src/widget.c]
    upstream:
      default: "1.0"
      versions:
        "1.0":
          archive: https://example.org/widget-1.0.tar.gz
          sha256: 7d5b0b6062521e4627e099e4c9dc8248d32a30285e959b7eecaa780cf8cfd4a4
          git: https://example.org/widget.git
          tag: v1.0
          tree: sha256:cda3fff40ead1952ac6365b764ca6c54d11965e684dc6ffd2ad68697e79c7885
        "2.0":
          git: https://example.org/widget.git
          branch: main
          commit: 0123456789abcdef0123456789abcdef01234567
    """

  @Test func readsVersionsPinsAndRefsAndLeavesBuildKeysAlone() throws {
    let recipe = try PortRecipeParser.parse(Self.recipe, file: "port.yaml", directory: "/p")
    #expect(recipe.name == "widget")
    #expect(recipe.upstream.versions.map(\.version) == ["1.0", "2.0"])
    let first = try #require(recipe.upstream.version(nil))
    #expect(first.git == UpstreamGit(url: "https://example.org/widget.git", ref: .tag("v1.0")))
    #expect(first.pin.archiveSHA256?.hasPrefix("7d5b") == true)
    let second = try #require(recipe.upstream.version("2.0"))
    #expect(second.git?.ref == .branch("main"))
    #expect(second.pin.commit == "0123456789abcdef0123456789abcdef01234567")
  }

  @Test func anUnpinnedVersionIsAnErrorAtItsLine() {
    let text = """
      name: widget
      upstream:
        versions:
          "1.0":
            archive: https://example.org/widget-1.0.tar.gz
      """
    #expect {
      _ = try PortRecipeParser.parse(text, file: "port.yaml", directory: "/p")
    } throws: { error in
      let item = (error as? Diagnostics)?.items.first
      return item?.location?.line == 5 && item?.message.contains("not pinned") == true
    }
  }

  @Test func aShortSHA256IsRefused() {
    let text = """
      name: widget
      upstream:
        versions:
          "1.0":
            archive: https://example.org/widget-1.0.tar.gz
            sha256: abc
      """
    #expect(throws: Diagnostics.self) {
      _ = try PortRecipeParser.parse(text, file: "port.yaml", directory: "/p")
    }
  }
}
