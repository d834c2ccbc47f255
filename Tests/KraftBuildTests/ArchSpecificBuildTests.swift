import KraftBasics
import KraftManifest
import KraftModel
import Testing

@testable import KraftBuild

/// What an arm64 build needs beyond an x86_64 one: a port's private flags per architecture
/// (`cflags` entries with `architectures:`) and the compiler runtime for binary128 long double.
@Suite struct ArchSpecificBuildTests {
  @Test func cflagsEntriesMayNameTheirArchitectures() throws {
    let text = """
      name: musl
      cflags:
        - flag: -I${upstream}/arch/x86_64
          architectures: [x86_64]
        - flag: -I${upstream}/arch/aarch64
          architectures: [arm64]
        - -I${port}/glue/internal
      """
    var manifest = try LibraryManifestParser().parse(text, file: "port.yaml", directory: "/p/musl")
    #expect(manifest.cflags.count == 3)
    #expect(manifest.cflags[0] == LibraryFlag("-I${upstream}/arch/x86_64", architectures: [.x86_64]))
    #expect(manifest.cflags[2] == "-I${port}/glue/internal")
    manifest.sourceRoot = "/cache/musl"
    // Order is kept: the arch folder must come before the port's other private folders.
    #expect(
      BuildPlanner.ownCFlags(of: manifest, for: .arm64)
        == ["-I/cache/musl/arch/aarch64", "-I/p/musl/glue/internal"])
    #expect(
      BuildPlanner.ownCFlags(of: manifest, for: .x86_64)
        == ["-I/cache/musl/arch/x86_64", "-I/p/musl/glue/internal"])
  }

  @Test func aSingleFlagStillParses() throws {
    let manifest = try LibraryManifestParser().parse(
      "name: z\ncflags: -DZ\n", file: "library.yaml", directory: "/k/z")
    #expect(manifest.cflags == ["-DZ"])
  }

  @Test func unknownKeyInAFlagEntryIsAnError() {
    let text = """
      name: z
      cflags:
        - flag: -DZ
          arch: [arm64]
      """
    #expect(throws: (any Error).self) {
      try LibraryManifestParser().parse(text, file: "library.yaml", directory: "/k/z")
    }
  }

  @Test func arm64LinksTheNewestCrossLibgcc() {
    let folder = "/usr/lib/gcc-cross/aarch64-linux-gnu"
    let present: Set<String> = [folder + "/9/libgcc.a", folder + "/12/libgcc.a"]
    let locator = RuntimeLibraryLocator(
      listFolder: { $0 == folder ? ["9", "12", "13"] : [] }, isFile: { present.contains($0) })
    // 13 has no libgcc.a; 12 is newer than 9 (numeric order).
    #expect(locator.libraries(for: .arm64) == [folder + "/12/libgcc.a"])
    #expect(locator.libraries(for: .x86_64) == [])
  }

  @Test func clangsOwnBuiltinsAreLinkedWhenItsResourceFolderHasThem() {
    let archive = "/clang/lib/linux/libclang_rt.builtins-x86_64.a"
    let locator = RuntimeLibraryLocator(listFolder: { _ in [] }, isFile: { $0 == archive })
    #expect(locator.clangBuiltins(resourceDirectory: "/clang", for: .x86_64) == [archive])
    #expect(locator.clangBuiltins(resourceDirectory: "/clang", for: .arm64) == [])
  }

  @Test func withoutACrossLibgccNothingIsAdded() {
    let locator = RuntimeLibraryLocator(listFolder: { _ in [] }, isFile: { _ in false })
    #expect(locator.libraries(for: .arm64) == [])
  }

  @Test func runtimeArchivesFollowTheObjectsInTheResponseFile() throws {
    var withLibgcc = BuildPlannerTests.toolchain
    withLibgcc.runtimeLibraries = ["/gcc/libgcc.a"]
    let toolchain = withLibgcc
    let fileSystem = InMemoryFileSystem(files: BuildPlannerTests.files.merging(["/p/main.c": ""]) { $1 })
    let target = Target(platform: .qemu, architecture: .x86_64)
    let request = BuildRequest(
      kraftfile: Kraftfile(name: "demo", directory: "/p", targets: [target]), projectName: "demo",
      outputDirectory: "/p/.unikraft/build", targets: [target], catalog: BuildPlannerTests.catalog,
      commonIncludes: ["/k/include"])
    let plan = try #require(
      try BuildPlanner(fileSystem: fileSystem, toolchains: { _ in toolchain }).plan(request).targets.first)
    // After every object, so that GNU ld (which reads archives in order) finds what they call.
    #expect(plan.link.command.suffix(2) == [plan.compiles.last!.object, "/gcc/libgcc.a"])
    let ninja = NinjaFile.target(plan)
    let content = try #require(ninja.split(separator: "\n").first { $0.hasPrefix("  rspcontent = ") })
    #expect(content.hasSuffix("main.c.o /gcc/libgcc.a"))
    let command = try #require(ninja.split(separator: "\n").first { $0.contains("@/p/.unikraft") })
    #expect(!command.contains("libgcc"))
  }
}
