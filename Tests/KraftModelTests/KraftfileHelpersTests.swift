import Foundation
import KraftModel
import Testing

@Suite struct KraftfileHelpersTests {
  @Test func componentStrings() {
    #expect(ComponentReference.parse("stable").version == "stable")
    #expect(ComponentReference.parse("0.17.0").version == "0.17.0")
    #expect(ComponentReference.parse("./lib").source == .path("./lib"))
    #expect(ComponentReference.parse("..").source == .path(".."))
    #expect(
      ComponentReference.parse("https://h/r.git?tag=v1").source
        == .git(url: "https://h/r.git", ref: .tag("v1")))
    #expect(
      ComponentReference.parse("ssh://git@h/r.git@main").source
        == .git(url: "ssh://git@h/r.git", ref: .ref("main")))
    #expect(ComponentReference.parse("https://h/x.tar.xz").source == .archive(url: "https://h/x.tar.xz"))
  }

  @Test func interpolation() throws {
    let environment = ["A": "1", "E": ""]
    #expect(try Interpolation.expand("${A}-${E:-d}-${E-d}-$$-$x", environment: environment) == "1-d--$-$x")
    #expect(throws: Interpolation.Problem.undefined("B")) {
      try Interpolation.expand("${B}", environment: [:])
    }
    #expect(throws: Interpolation.Problem.unterminated) { try Interpolation.expand("${A", environment: [:]) }
    #expect(throws: Interpolation.Problem.invalidName("A B")) {
      try Interpolation.expand("${A B}", environment: [:])
    }
  }

  @Test func shellWords() throws {
    #expect(try ShellWords.split(#"a 'b c' "d \"e\"" f\ g"#) == ["a", "b c", #"d "e""#, "f g"])
    #expect(try ShellWords.split("  ") == [])
    #expect(try ShellWords.split("''") == [""])
    #expect(throws: ShellWords.Problem.self) { try ShellWords.split("'open") }
  }

  @Test func kconfigNames() {
    #expect(KConfigAssignment.isValidName("CONFIG_LIBUKDEBUG"))
    #expect(!KConfigAssignment.isValidName("CONFIG_"))
    #expect(!KConfigAssignment.isValidName("config_x"))
    #expect(KConfigAssignment.suggestedName(for: "lib-foo") == "CONFIG_LIB_FOO")
  }

  @Test func validatorFindsDuplicates() {
    var kraftfile = Kraftfile(directory: "/p")
    kraftfile.targets = [
      Target(platform: .qemu, architecture: .x86_64), Target(platform: .qemu, architecture: .x86_64),
      Target(name: "a", platform: .xen, architecture: .x86_64),
      Target(name: "a", platform: .qemu, architecture: .arm64),
    ]
    kraftfile.volumes = [Volume(source: "a", destination: "/d"), Volume(source: "b", destination: "/d")]
    let messages = KraftfileValidator.problems(in: kraftfile).map(\.message)
    #expect(messages.count == 3)
    #expect(messages.contains("two targets are named 'a'; target names must be unique"))
  }
}

@Suite struct ComponentSourceCodingTests {
  @Test func readableJSONRoundTrips() throws {
    let sources: [ComponentSource] = [
      .path("../lib"), .git(url: "https://h/r.git", ref: .tag("v1")), .git(url: "u", ref: nil),
      .archive(url: "https://h/x.tar.gz"),
    ]
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    let text = String(decoding: try encoder.encode(sources), as: UTF8.self)
    #expect(
      text
        == #"[{"path":"../lib"},{"git":"https://h/r.git","ref":{"tag":"v1"}},{"git":"u"},{"archive":"https://h/x.tar.gz"}]"#
    )
    #expect(try JSONDecoder().decode([ComponentSource].self, from: Data(text.utf8)) == sources)
  }
}
