import Foundation
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

@Suite struct PortRecipePrepareParserTests {
  static let recipe = """
    name: widget
    upstream:
      versions:
        "1.0":
          archive: https://example.org/widget-1.0.tar.gz
          sha256: 7d5b0b6062521e4627e099e4c9dc8248d32a30285e959b7eecaa780cf8cfd4a4
          prepared-tree: sha256:cda3fff40ead1952ac6365b764ca6c54d11965e684dc6ffd2ad68697e79c7885
    prepare:
      tools: [perl, make]
      inputs:
        OPTIONS: no-asm no-shared
        ARCH: x86_64
      run: ./Configure $OPTIONS
      outputs: [include/*.h, sources.txt]
      sources-list: sources.txt
    """

  @Test func readsThePrepareStepAndItsPin() throws {
    let recipe = try PortRecipeParser.parse(Self.recipe, file: "port.yaml", directory: "/p")
    let step = try #require(recipe.prepare)
    #expect(step.tools == ["perl", "make"])
    #expect(step.inputs.map(\.name) == ["OPTIONS", "ARCH"])
    #expect(step.inputs.first?.value == "no-asm no-shared")
    #expect(step.outputs == ["include/*.h", "sources.txt"])
    #expect(step.sourcesList == "sources.txt")
    #expect(recipe.upstream.versions[0].pin.preparedTree?.hasPrefix("sha256:cda3") == true)
  }

  @Test func aPreparedTreeWithoutAStepAndBadInputsAreErrors() {
    let noStep = Self.recipe.components(separatedBy: "prepare:\n")[0]
    #expect(throws: (any Error).self) {
      try PortRecipeParser.parse(noStep, file: "port.yaml", directory: "/p")
    }
    let badInput = Self.recipe.replacingOccurrences(of: "ARCH: x86_64", with: "ARCH-NAME: x86_64")
    #expect(throws: (any Error).self) {
      try PortRecipeParser.parse(badInput, file: "port.yaml", directory: "/p")
    }
    let noOutputs = Self.recipe.replacingOccurrences(
      of: "  outputs: [include/*.h, sources.txt]\n", with: "")
    #expect(throws: (any Error).self) {
      try PortRecipeParser.parse(noOutputs, file: "port.yaml", directory: "/p")
    }
  }
}
