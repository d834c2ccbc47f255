import KraftBasics
import KraftBuild
import KraftManifest
import KraftModel
import Testing

/// A port's generated source list (`prepare: sources-list:`): read by the manifest parser from
/// the port's `prepare:` section, and compiled by the planner after the recipe's `sources`.
@Suite struct PreparedSourceListTests {
  @Test func theParserReadsTheListNameFromAPortsPrepareStep() throws {
    let text = """
      name: widget
      sources: [own.c]
      prepare:
        run: ./configure
        outputs: [list.txt]
        sources-list: list.txt
      upstream: {versions: {"1.0": {archive: "https://example.org/w.tar.gz"}}}
      """
    let port = try LibraryManifestParser(extraKeys: LibraryCatalog.portOnlyKeys).parse(
      text, file: "port.yaml", directory: "/ports/widget")
    #expect(port.sourcesList == "list.txt")
    #expect(port.sources.map(\.path) == ["own.c"])
  }

  @Test func listedFilesAreCompiledAfterTheRecipesSourcesAndAMissingListIsNamed() throws {
    var catalog = BuildPlannerTests.catalog
    let index = try #require(catalog.firstIndex { $0.name == "kcore" })
    catalog[index].sourcesList = "generated/sources.txt"
    let target = Target(platform: .qemu, architecture: .x86_64)
    let request = BuildRequest(
      kraftfile: Kraftfile(name: "demo", directory: "/p", targets: [target]),
      projectName: "demo", outputDirectory: "/p/.unikraft/build", targets: [target], catalog: catalog,
      commonIncludes: ["/k/include"], extraCFlags: [])
    var files = BuildPlannerTests.files.merging(["/p/main.c": "", "/k/kcore/gen/a.c": ""]) { $1 }
    files["/k/kcore/generated/sources.txt"] = "gen/a.c\n\n"
    let planner = BuildPlanner(
      fileSystem: InMemoryFileSystem(files: files), toolchains: { _ in BuildPlannerTests.toolchain })
    let plan = try #require(try planner.plan(request).targets.first)
    let kcore = plan.compiles.map(\.description).filter { $0.hasPrefix("CC kcore") }
    #expect(kcore == ["CC kcore core.c", "CC kcore quiet.c", "CC kcore gen/a.c"])

    files["/k/kcore/generated/sources.txt"] = nil
    let missing = BuildPlanner(
      fileSystem: InMemoryFileSystem(files: files), toolchains: { _ in BuildPlannerTests.toolchain })
    #expect(throws: Diagnostics.self) { try missing.plan(request) }
  }
}
