import KraftManifest
import KraftModel
import Testing

@Suite struct KraftfileParserTests {
  let parser = KraftfileParser(environment: ["HOME": "/root", "APP": "web", "EMPTY": ""])

  func parse(_ text: String) throws -> Kraftfile {
    try parser.parse(text, file: "Kraftfile", directory: "/p")
  }

  /// The messages and `line:column` of every problem in `text`.
  func problems(_ text: String) -> [String] {
    do {
      _ = try parse(text)
      return []
    } catch let error as Diagnostics {
      return error.items.map { item in
        item.location.map { "\($0.line):\($0.column): \(item.message)" } ?? item.message
      }
    } catch {
      return ["unexpected \(error)"]
    }
  }

  @Test func fullV06File() throws {
    let kraftfile = try parse(
      """
      spec: v0.6
      name: ${APP}-app
      unikraft:
        version: stable
        kconfig:
          CONFIG_LIBUKDEBUG: 'y'
      libraries:
        musl: 1.2.3
        lwip:
        mine: ../lib-mine
        remote: https://github.com/unikraft/lib-foo.git@v1.0
        branch: https://example.org/x.git?branch=staging
        packed:
          source: https://example.org/x-1.0.tar.gz
          kconfig: [CONFIG_X=1]
      targets:
        - qemu/x86_64
        - kvm/arm64
        - plat: fc
          arch: x86_64
          name: fast
          kconfig:
            - CONFIG_Y=n
      kconfig:
        CONFIG_Z: 42
      cmd: "-v --name 'a b'"
      env: [A=1, HOME]
      volumes:
        - ./data:/data:ro
        - source: img
          destination: /img
      rootfs: ./Dockerfile
      outdir: out
      labels: {team: os}
      x-editor: {tabs: false}
      """)
    #expect(kraftfile.spec == "v0.6")
    #expect(kraftfile.name == "web-app")
    #expect(kraftfile.unikraft?.version == "stable")
    #expect(
      kraftfile.unikraft?.kconfig == [
        KConfigAssignment(
          name: "CONFIG_LIBUKDEBUG", value: "y",
          location: SourceLocation(file: "Kraftfile", line: 6, column: 5))
      ])
    #expect(kraftfile.libraries.map(\.name) == ["musl", "lwip", "mine", "remote", "branch", "packed"])
    #expect(kraftfile.libraries[0].version == "1.2.3")
    #expect(kraftfile.libraries[1].version == nil && kraftfile.libraries[1].source == nil)
    #expect(kraftfile.libraries[2].source == .path("../lib-mine"))
    #expect(
      kraftfile.libraries[3].source == .git(url: "https://github.com/unikraft/lib-foo.git", ref: .ref("v1.0"))
    )
    #expect(kraftfile.libraries[4].source == .git(url: "https://example.org/x.git", ref: .branch("staging")))
    #expect(kraftfile.libraries[5].source == .archive(url: "https://example.org/x-1.0.tar.gz"))
    #expect(kraftfile.targets.map(\.shortForm) == ["qemu/x86_64", "qemu/arm64", "fc/x86_64"])
    #expect(kraftfile.targets[2].name == "fast")
    #expect(kraftfile.targets[2].kconfig.map(\.value) == ["n"])
    #expect(kraftfile.kconfig.map(\.value) == ["42"])
    #expect(kraftfile.cmd == ["-v", "--name", "a b"])
    #expect(
      kraftfile.env == [
        EnvironmentVariable(name: "A", value: "1"), EnvironmentVariable(name: "HOME", value: "/root"),
      ])
    #expect(
      kraftfile.volumes == [
        Volume(source: "./data", destination: "/data", readOnly: true),
        Volume(source: "img", destination: "/img"),
      ])
    #expect(kraftfile.resolvedPath(kraftfile.rootfs!) == "/p/Dockerfile")
    #expect(kraftfile.labels == ["team": "os"])
    #expect(kraftfile.extensions == ["x-editor": #"{"tabs":false}"#])
  }

  @Test func specificationKeyAndNumber() throws {
    #expect(try parse("specification: 0.5\n").spec == "v0.5")
    #expect(
      problems("spec: v0.6\nspecification: v0.6\n") == [
        "2:1: 'spec' and 'specification' are the same setting; write only one"
      ])
  }

  @Test func reportsEverySemanticProblemTogether() {
    #expect(
      problems(
        """
        spec: v0.6
        nmae: app
        targets:
          - qemu/x86-64
          - plat: qemuu
            arch: arm64
        kconfig:
          config_foo: y
        """) == [
          "2:1: unknown key 'nmae' in the Kraftfile; did you mean 'name'?",
          "4:10: unknown architecture 'x86-64'; did you mean 'x86_64'?",
          "5:11: unknown platform 'qemuu'; did you mean 'qemu'?",
          "8:3: 'config_foo' is not an option name; did you mean 'CONFIG_FOO'?",
        ])
  }

  @Test func structuralErrorStopsAtOnce() {
    #expect(
      problems("nmae: x\ntargets: qemu/x86_64\n") == [
        "2:10: expected a list for 'targets' but found a string"
      ])
  }

  @Test func interpolation() throws {
    #expect(try parse("name: ${MISSING:-dflt}\n").name == "dflt")
    #expect(try parse("name: ${EMPTY-x}y\ncmd: [\"$$HOME\", $HOME]\n").cmd == ["$HOME", "$HOME"])
    #expect(
      problems("name: ${MISSING}\n") == [
        "1:7: environment variable 'MISSING' is not set; set it, or give a default with '${MISSING:-default}'"
      ])
  }

  @Test func componentShorthands() throws {
    let kraftfile = try parse(
      "unikraft: git@github.com:unikraft/unikraft.git\ntemplate: https://x.org/app-nginx.git\n")
    #expect(kraftfile.unikraft?.source == .git(url: "git@github.com:unikraft/unikraft.git", ref: nil))
    #expect(kraftfile.template?.name == "app-nginx")
    #expect(try parse("unikraft: 0.17\n").unikraft?.version == "0.17")
    #expect(try parse("unikraft: /src/uk\n").unikraft?.source == .path("/src/uk"))
  }

  /// Names as Unikraft's catalog writes them; only what no file name could hold is refused.
  @Test func namesAsUnikraftAcceptsThem() throws {
    #expect(try parse("name: httpserver-g++13.2\n").name == "httpserver-g++13.2")
    #expect(try parse("name: caddy2.10-go1.25\n").name == "caddy2.10-go1.25")
    #expect(
      try parse("targets:\n  - {platform: qemu, arch: x86_64, name: qemu+debug}\n").targets.first?
        .name == "qemu+debug")
    #expect(
      problems("name: a/b\n") == [
        "1:7: 'a/b' is not a valid name; use up to 128 bytes without spaces, control characters, '/' or '\\'"
      ])
    #expect(problems("name: \(String(repeating: "a", count: 129))\n").count == 1)
  }

  @Test func duplicatesAcrossEntries() {
    #expect(
      problems("targets: [qemu/x86_64, kvm/x86_64]\n") == [
        "1:24: target 'qemu/x86_64' is listed twice; remove one or give them different names"
      ])
  }

  /// Unikraft reads a `kconfig` block that sets an option twice (the later value wins); so
  /// does kraft, with a warning naming both places. Other maps still refuse a repeated key.
  @Test func linuxUserTargetsAreLeftOutWithAWarning() throws {
    let text = """
      spec: v0.6
      targets:
      - linuxu/x86_64
      - qemu/x86_64
      - plat: linuxu
        arch: arm64

      """
    let (kraftfile, warnings) = try KraftfileParser().parseWithWarnings(
      text, file: "K", directory: "/p")
    #expect(kraftfile.targets.map(\.shortForm) == ["qemu/x86_64"])
    #expect(warnings.map(\.severity) == [.warning, .warning])
    #expect(warnings.map { $0.location?.line } == [3, 5])
    #expect(warnings.first?.message.contains("'linuxu'") == true)
  }

  @Test func kconfigSetTwiceWarnsAndTheLaterValueWins() throws {
    let text = """
      spec: v0.6
      kconfig:
        CONFIG_A: 'y'
        CONFIG_B: 'y'
        CONFIG_A: 'n'
      libraries:
        musl:
          kconfig: [CONFIG_C=1, CONFIG_C=2]
      targets:
        - platform: qemu
          architecture: x86_64
          kconfig:
            CONFIG_D: 'y'
            CONFIG_D: 'y'

      """
    let (kraftfile, warnings) = try KraftfileParser().parseWithWarnings(
      text, file: "K", directory: "/p")
    #expect(kraftfile.kconfig.map { "\($0.name)=\($0.value)" } == ["CONFIG_B=y", "CONFIG_A=n"])
    #expect(kraftfile.libraries.first?.kconfig.map(\.value) == ["2"])
    #expect(kraftfile.targets.first?.kconfig.count == 1)
    #expect(warnings.map(\.severity) == [.warning, .warning, .warning])
    let first = try #require(warnings.first)
    #expect(
      first.message.hasPrefix("'CONFIG_A' is set twice in the top-level 'kconfig'; the later value 'n' wins"))
    #expect(first.location?.line == 5)
    #expect(first.notes.first?.location?.line == 3)
    #expect(warnings[1].location?.line == 8)
    #expect(warnings[2].location?.line == 14)
    // Elsewhere a repeated key is still an error, also in a map under a library's name.
    #expect(throws: Diagnostics.self) {
      try KraftfileParser().parse("labels:\n  a: x\n  a: y\n", file: "K", directory: "/p")
    }
    #expect(throws: Diagnostics.self) {
      try KraftfileParser().parse(
        "libraries:\n  kconfig:\n    version: '1'\n    version: '2'\n", file: "K", directory: "/p")
    }
  }

  @Test func wrongScalarKinds() {
    #expect(problems("name: 42\n") == ["1:7: expected a string for 'name' but found a number"])
    #expect(
      problems("kconfig:\n  CONFIG_A: true\n") == [
        "2:13: expected 'y', 'n', a number or a string for 'CONFIG_A' but found a boolean"
      ])
    #expect(
      problems("") == ["1:1: the Kraftfile is empty; write at least 'spec' and 'name', or run 'kraft init'"])
  }

  @Test func volumesAndEnv() {
    #expect(
      problems("volumes: [data]\n") == [
        "1:11: expected a volume like './files:/data' or './files:/data:ro' but found 'data'"
      ])
    #expect(
      problems("volumes: ['a:rel']\n") == [
        "1:11: volume destination 'rel' must be an absolute path in the guest, like '/data'"
      ])
    #expect(
      problems("env: [1X=2]\n") == [
        "1:7: '1X' is not a valid environment variable name; use letters, digits and '_'"
      ])
  }
}
