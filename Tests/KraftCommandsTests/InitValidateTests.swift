import KraftBasics
import KraftBuild
import KraftManifest
import KraftModel
import Testing

@testable import KraftCommands

@Suite struct InitValidateTests {
  @Test func initWritesAProjectThatValidates() throws {
    let files = InMemoryFileSystem()
    let written = try ProjectWriter(fileSystem: files)
      .write(template: .helloworld, name: nil, folder: "My App", currentDirectory: "/home")
    #expect(written == ["Kraftfile", "main.c"])
    let loaded = try KraftfileLoader(fileSystem: files, environment: [:], currentDirectory: "/home/My App")
      .load()
    #expect(loaded.kraftfile.name == "my-app")
    #expect(loaded.kraftfile.spec == "v0.6")
    #expect(loaded.kraftfile.targets.map(\.shortForm) == ["qemu/x86_64", "fc/x86_64"])
    let main = try files.readText("/home/My App/main.c")
    #expect(main.contains("#include <stdio.h>") && main.contains("printf(\"Hello from kraft!\\n\");"))
  }

  @Test func initNeverOverwrites() throws {
    let files = InMemoryFileSystem(files: ["/p/kraft.yaml": "name: x\n"])
    let error = #expect(throws: ProjectExists.self) {
      try ProjectWriter(fileSystem: files).write(
        template: .helloworld, name: "a", folder: "/p", currentDirectory: "/")
    }
    #expect(error.map { ExitStatus.code(for: $0.kind) } == 64)
    #expect(try files.readText("/p/kraft.yaml") == "name: x\n")
  }

  @Test func reporterRendersCaretsAndExitStatus() throws {
    let files = InMemoryFileSystem(files: ["/p/Kraftfile": "spec: v0.6\ntargets: [qemu/x86-64]\n"])
    let output = TextBuffer()
    let reporter = ErrorReporter(output: output, fileSystem: files, environment: [:])
    let loader = KraftfileLoader(fileSystem: files, environment: [:], currentDirectory: "/p")
    do {
      _ = try loader.load(kraftfile: "/p/Kraftfile")
      Issue.record("the Kraftfile should be invalid")
    } catch let error as Diagnostics {
      #expect(reporter.report(error) == 65)
    }
    #expect(
      output.text == """
        /p/Kraftfile:2:16: error: unknown architecture 'x86-64'; did you mean 'x86_64'?
        targets: [qemu/x86-64]
                       ^

        """)
  }

  @Test func reporterColoursOnlyTerminals() {
    let error = KraftfileNotFound(message: "no Kraftfile in '.'")
    let plain = ErrorReporter(
      output: TextBuffer(isTerminal: false), fileSystem: InMemoryFileSystem(), environment: [:])
    let tty = ErrorReporter(
      output: TextBuffer(isTerminal: true), fileSystem: InMemoryFileSystem(), environment: [:])
    let noColour = ErrorReporter(
      output: TextBuffer(isTerminal: true), fileSystem: InMemoryFileSystem(), environment: ["NO_COLOR": "1"])
    #expect(plain.render(error) == "error: no Kraftfile in '.'")
    #expect(tty.render(error).contains("\u{1B}["))
    #expect(!noColour.render(error).contains("\u{1B}["))
  }

  @Test func validateJSONIsTheNormalisedProject() throws {
    let files = InMemoryFileSystem(files: ["/p/Kraftfile": "spec: '0.6'\nname: a\ntargets: [kvm/amd64]\n"])
    let loaded = try KraftfileLoader(fileSystem: files, environment: [:], currentDirectory: "/p").load()
    let json = try ValidateCommand.json(loaded)
    #expect(json.contains(#""platform" : "qemu""#))
    #expect(json.contains(#""architecture" : "x86_64""#))
    #expect(json.contains(#""spec" : "v0.6""#))
    let text = KraftfileSummary.text(for: loaded.kraftfile, path: "Kraftfile")
    #expect(text.hasPrefix("Kraftfile is valid\n"))
    #expect(text.contains("target    qemu/x86_64"))
  }

  /// `kraft validate` refuses what `kraft fetch` would: a version the port does not have,
  /// at the line naming it; channels (`stable`) pass.
  @Test func validateChecksPortVersionsAndChannels() throws {
    let recipe = """
      name: answer
      upstream:
        default: '1.0'
        versions:
          '1.0': {archive: 'https://example.org/a.tar.gz', sha256: \(String(repeating: "a", count: 64))}

      """
    func validate(_ version: String) throws {
      let files = InMemoryFileSystem(files: [
        "/p/Kraftfile": "spec: v0.6\nname: a\nlibraries:\n  answer: \(version)\n",
        "/p/Ports/answer/port.yaml": recipe,
      ])
      let loaded = try KraftfileLoader(fileSystem: files, environment: [:], currentDirectory: "/p")
        .load()
      try ValidateCommand.checkPorts(loaded.kraftfile, fileSystem: files, environment: [:])
    }
    try validate("stable")
    try validate("'1.0'")
    let error = #expect(throws: Diagnostics.self) { try validate("'2.0'") }
    #expect(error?.items.first?.location?.line == 4)
    #expect(error?.items.first?.message.hasPrefix("port 'answer' has no version '2.0'") == true)
    #expect(error.map { ExitStatus.code(for: $0.kind) } == 65)
  }

  /// Fetching (`kraft fetch`, `kraft build`) refuses the same versions, also at the line,
  /// and asks for the version a channel resolves to.
  @Test func fetchRequestsResolveChannelsAndPointAtTheLine() throws {
    let recipe = try PortRecipeParser.parse(
      """
      name: answer
      upstream:
        default: '1.0'
        versions:
          '1.0': {archive: 'https://example.org/a-1.0.tar.gz', sha256: \(String(repeating: "a", count: 64))}
          '1.1': {archive: 'https://example.org/a-1.1.tar.gz', sha256: \(String(repeating: "b", count: 64))}

      """, file: "port.yaml", directory: "/nonexistent/answer")
    func component(_ version: String) -> Component {
      Component(
        name: "answer", version: version, location: SourceLocation(file: "K", line: 7, column: 3))
    }
    #expect(try LockedPortSources.request(for: recipe, component: component("stable")).version == "1.0")
    #expect(try LockedPortSources.request(for: recipe, component: component("staging")).version == "1.1")
    let error = #expect(throws: Diagnostics.self) {
      try LockedPortSources.request(for: recipe, component: component("2"))
    }
    #expect(error?.items.first?.location?.line == 7)
  }
}
