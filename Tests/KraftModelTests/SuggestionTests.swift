import KraftModel
import Testing

@Suite struct SuggestionTests {
  @Test func editDistance() {
    #expect(Suggestion.editDistance("kitten", "sitting") == 3)
    #expect(Suggestion.editDistance("", "abc") == 3)
    #expect(Suggestion.editDistance("same", "same") == 0)
  }

  @Test func suggestsCloseNamesOnly() {
    #expect(Suggestion.closest(to: "x86-64", in: ["x86_64", "arm64"]) == "x86_64")
    #expect(Suggestion.closest(to: "X86_64", in: ["x86_64", "arm64"]) == "x86_64")
    #expect(Suggestion.closest(to: "riscv64", in: ["x86_64", "arm64"]) == nil)
  }

  @Test func hintFallsBackToTheList() {
    #expect(Suggestion.hint(for: "archh", in: ["arch", "plat"]) == "; did you mean 'arch'?")
    #expect(Suggestion.hint(for: "mips", in: ["x86_64", "arm64"]) == "; expected one of 'x86_64', 'arm64'")
  }
}
