import KraftBasics
import KraftManifest
import KraftModel
import Testing

@Suite struct KraftfileLoaderTests {
  let files = InMemoryFileSystem(files: [
    "/work/app/Kraftfile": "spec: v0.6\nname: app\nrootfs: ./fs\n",
    "/work/app/kraft.yaml": "spec: v0.6\nname: preferred\n",
    "/work/other/custom.yaml": "spec: v0.6\nname: custom\nnmae: x\n",
  ])

  func loader(in directory: String) -> KraftfileLoader {
    KraftfileLoader(fileSystem: files, environment: [:], currentDirectory: directory)
  }

  @Test func discoversByPreferenceInTheProjectFolder() throws {
    let loaded = try loader(in: "/work").load(project: "app")
    #expect(loaded.kraftfile.name == "preferred")
    #expect(loaded.location.displayPath == "app/kraft.yaml")
    #expect(loaded.kraftfile.directory == "/work/app")
  }

  /// `kraft validate Kraftfile`, `kraft build other/custom.yaml`: the project argument may
  /// name the Kraftfile itself, which is then used whatever its name.
  @Test func projectArgumentMayBeTheKraftfile() throws {
    let loaded = try loader(in: "/work/app").load(project: "Kraftfile")
    #expect(loaded.kraftfile.name == "app")
    #expect(loaded.location.displayPath == "Kraftfile")
    #expect(loaded.kraftfile.directory == "/work/app")
    let other = try loader(in: "/work").locate(kraftfile: nil, project: "other/custom.yaml")
    #expect(other.path == "/work/other/custom.yaml")
    let missing = #expect(throws: KraftfileNotFound.self) {
      try loader(in: "/work").load(project: "nowhere/Kraftfile")
    }
    #expect(
      missing?.message == "project 'nowhere/Kraftfile' does not exist; name a project folder or its Kraftfile"
    )
  }

  @Test func relativePathsResolveAgainstTheKraftfileFolder() throws {
    let loaded = try loader(in: "/elsewhere").load(kraftfile: "../work/app/Kraftfile")
    #expect(loaded.kraftfile.resolvedPath(loaded.kraftfile.rootfs!) == "/work/app/fs")
    #expect(loaded.location.displayPath == "../work/app/Kraftfile")
  }

  @Test func diagnosticsNameTheFileAsTyped() {
    let error = #expect(throws: Diagnostics.self) {
      try loader(in: "/work").load(kraftfile: "other/custom.yaml")
    }
    #expect(error?.items.first?.location?.description == "other/custom.yaml:3:1")
  }

  @Test func missingKraftfileIsMissingInput() {
    let error = #expect(throws: KraftfileNotFound.self) { try loader(in: "/work/other").load() }
    #expect(error?.kind == .missingInput)
    #expect(error?.message.hasPrefix("no Kraftfile in '.'") == true)
    #expect(throws: KraftfileNotFound.self) { try loader(in: "/work").load(kraftfile: "nope.yaml") }
  }

  @Test func normalisesPaths() {
    #expect(Kraftfile.normalise("/a/./b/../c//d") == "/a/c/d")
    #expect(Kraftfile.normalise("../x/..") == "..")
    #expect(Kraftfile.normalise("/..") == "/")
    #expect(Kraftfile.parentDirectory(of: "/Kraftfile") == "/")
  }
}
