import Foundation
import KraftManifest
import KraftModel
import Testing

/// `KraftfileEditor`: edits of `libraries:` keep every other byte of the file, and the result
/// still parses to what was asked for.
@Suite struct PortKraftfileEditorTests {
  func parsed(_ text: String) throws -> [Component] {
    try KraftfileParser(environment: [:]).parse(text, file: "Kraftfile", directory: "/p").libraries
  }

  let commented = """
    spec: v0.6   # the format
    name: app

    # the libraries this app links
    libraries:
      musl: 1.2.3  # the libc
      # zlib comes later
      lwip:
        version: 2.1.3
        kconfig:
          CONFIG_LWIP_IPV6: y

    # where it runs
    targets:
      - qemu/x86_64

    """

  @Test func addAppendsToTheBlockAndKeepsComments() throws {
    var editor = KraftfileEditor(text: commented)
    try editor.addLibrary("openssl", version: "3.0.20")
    #expect(
      editor.text
        == commented.replacingOccurrences(
          of: "      CONFIG_LWIP_IPV6: y\n",
          with: "      CONFIG_LWIP_IPV6: y\n  openssl: 3.0.20\n"))
    let libraries = try parsed(editor.text)
    #expect(libraries.map(\.name) == ["musl", "lwip", "openssl"])
    #expect(libraries.last?.version == "3.0.20")
  }

  @Test func addWithoutVersionWritesTheBareKey() throws {
    var editor = KraftfileEditor(text: commented)
    try editor.addLibrary("zlib", version: nil)
    #expect(editor.text.contains("      CONFIG_LWIP_IPV6: y\n  zlib:\n\n# where it runs"))
    #expect(try parsed(editor.text).last?.version == nil)
  }

  @Test func addCreatesTheSectionWhenMissing() throws {
    var editor = KraftfileEditor(text: "spec: v0.6\nname: app  # mine\n\n")
    try editor.addLibrary("openssl", version: "3.0.20")
    #expect(editor.text == "spec: v0.6\nname: app  # mine\n\nlibraries:\n  openssl: 3.0.20\n")
  }

  @Test func addFillsAnEmptySection() throws {
    for empty in ["libraries: {}", "libraries:", "libraries: ~"] {
      var editor = KraftfileEditor(text: "name: app\n\(empty)\ntargets: [qemu/x86_64]\n")
      try editor.addLibrary("zlib", version: "1.2.13")
      #expect(editor.text == "name: app\nlibraries:\n  zlib: 1.2.13\ntargets: [qemu/x86_64]\n")
    }
  }

  @Test func numericLookingVersionsAreQuoted() throws {
    var editor = KraftfileEditor(text: "libraries:\n  a: 1\n")
    try editor.addLibrary("b", version: "1.10")
    #expect(editor.text == "libraries:\n  a: 1\n  b: '1.10'\n")
    #expect(try parsed(editor.text).last?.version == "1.10")
  }

  @Test func addingTwiceIsAnError() throws {
    var editor = KraftfileEditor(text: commented)
    #expect(throws: KraftfileEditError.self) { try editor.addLibrary("musl", version: nil) }
  }

  @Test func removeTakesNestedLinesAndLeavesNeighbours() throws {
    var editor = KraftfileEditor(text: commented)
    try editor.removeLibrary("lwip")
    #expect(
      editor.text
        == commented.replacingOccurrences(
          of: "  lwip:\n    version: 2.1.3\n    kconfig:\n      CONFIG_LWIP_IPV6: y\n", with: ""))
    try editor.removeLibrary("musl")
    #expect(try parsed(editor.text).isEmpty)
    #expect(editor.text.contains("# the libraries this app links\nlibraries: {}\n"))
  }

  @Test func removingAnAbsentLibraryNamesIt() throws {
    var editor = KraftfileEditor(text: commented)
    #expect(throws: KraftfileEditError(message: "'nope' is not in 'libraries:' of 'Kraftfile'")) {
      try editor.removeLibrary("nope")
    }
  }

  @Test func setVersionReplacesOnlyTheValue() throws {
    var editor = KraftfileEditor(text: commented)
    try editor.setVersion(of: "musl", to: "1.2.5")
    try editor.setVersion(of: "lwip", to: "2.2.0")
    #expect(editor.text.contains("  musl: 1.2.5  # the libc\n"))
    #expect(editor.text.contains("    version: 2.2.0\n"))
    let libraries = try parsed(editor.text)
    #expect(libraries.map(\.version) == ["1.2.5", "2.2.0"])
  }

  @Test func setVersionOnABareKeyAndOnAMapWithoutVersion() throws {
    var editor = KraftfileEditor(
      text: "libraries:\n  zlib:  # soon\n  x:\n    kconfig:\n      CONFIG_A: y\n")
    try editor.setVersion(of: "zlib", to: "1.2.13")
    try editor.setVersion(of: "x", to: "2.0.1")
    #expect(
      editor.text
        == "libraries:\n  zlib: 1.2.13  # soon\n  x:\n    version: 2.0.1\n    kconfig:\n      CONFIG_A: y\n"
    )
  }

  @Test func oneLineFlowMapsAreRefused() throws {
    var editor = KraftfileEditor(text: "libraries: {musl: 1.2.3}\n")
    #expect(throws: KraftfileEditError.self) { try editor.addLibrary("zlib", version: nil) }
  }

  @Test func topLevelKeysAreAppendedOnceAndNeverRewritten() throws {
    var editor = KraftfileEditor(text: commented)
    try editor.addTopLevelKey("rootfs", value: "./rootfs")
    try editor.addTopLevelKey("cmd", value: #"["/app/main.py"]"#)
    #expect(
      editor.text == commented + "\nrootfs: ./rootfs\ncmd: [\"/app/main.py\"]\n")
    #expect(try editor.topLevelKeys() == ["spec", "name", "libraries", "targets", "rootfs", "cmd"])
    #expect(throws: KraftfileEditError.self) { try editor.addTopLevelKey("cmd", value: "[]") }
  }
}
