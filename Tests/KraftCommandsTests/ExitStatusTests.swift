import KraftModel
import Testing

@testable import KraftCommands

@Suite struct ExitStatusTests {
  @Test func kindsHaveDistinctStatuses() {
    let kinds: [ErrorKind] = [
      .usage, .invalidInput, .missingInput, .missingTool, .fetchFailed, .verificationFailed,
      .buildFailed, .runFailed, .internal, .outputFailed,
    ]
    #expect(Set(kinds.map(ExitStatus.code(for:))).count == kinds.count)
  }
}
