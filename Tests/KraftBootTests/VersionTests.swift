import Foundation
import Testing

@Suite struct VersionTests {
  @Test func versionCommandPrintsVersion() throws {
    let result = try KraftProcess.run(["version"], in: FileManager.default.temporaryDirectory)
    #expect(result.status == 0)
    #expect(result.stdout.hasPrefix("kraft "))
  }

  @Test func unknownCommandIsUsageError() throws {
    let result = try KraftProcess.run(["frobnicate"], in: FileManager.default.temporaryDirectory)
    #expect(result.status == 64)
  }
}
