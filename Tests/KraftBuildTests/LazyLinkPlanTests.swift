import KraftBasics
import KraftModel
import Testing

@testable import KraftBuild

/// Ports' upstream objects are linked as a library (`--start-lib` ... `--end-lib`), so the
/// image keeps only those it uses, as a static link against `.a` files would; kernel
/// libraries, ports' glue and the project's sources stay whole. GNU ld has no `--start-lib`
/// and links everything whole.
@Suite struct LazyLinkPlanTests {
  /// A port with two upstream sources in its fetched tree and one glue file in its recipe.
  static let port = LibraryManifest(
    name: "libc", kind: .port,
    sources: [
      LibraryFile("src/read.c"), LibraryFile("src/cancel.c"), LibraryFile("glue/init.c", base: .manifest),
    ],
    directory: "/ports/libc")

  static let gcc = Toolchain(
    family: .gcc, compiler: "/usr/bin/gcc", linker: "/usr/bin/x86_64-linux-gnu-ld",
    objcopy: "/usr/bin/x86_64-linux-gnu-objcopy", builtinIncludes: ["/usr/lib/gcc/include"])

  static func plan(
    _ targets: [Target] = [Target(platform: .qemu, architecture: .x86_64)],
    toolchain: Toolchain = BuildPlannerTests.toolchain, tree: String = "/src/libc"
  ) throws -> BuildPlan {
    // Two targets of one architecture need a platform library each (`SharedObjectsPlanTests`').
    let shared = targets.count > 1
    let files = (shared ? SharedObjectsPlanTests.files : BuildPlannerTests.files).merging([
      "/p/main.c": "", tree + "/src/read.c": "", tree + "/src/cancel.c": "", "/ports/libc/glue/init.c": "",
      "/k/plat/link.lds": "",
    ]) { $1 }
    let request = BuildRequest(
      kraftfile: Kraftfile(
        name: "demo", directory: "/p", libraries: [Component(name: "libc")], targets: targets),
      projectName: "demo", outputDirectory: "/p/.unikraft/build", targets: targets,
      catalog: (shared ? SharedObjectsPlanTests.catalog : BuildPlannerTests.catalog) + [Self.port],
      sourceRoots: ["libc": tree])
    return try BuildPlanner(
      fileSystem: InMemoryFileSystem(files: files), toolchains: { _ in toolchain }
    ).plan(request)
  }

  static func object(_ plan: TargetBuildPlan, _ description: String) throws -> String {
    try #require(plan.compiles.first { $0.description == description }).object
  }

  @Test func upstreamObjectsAreLinkedAsALibraryGlueKernelAndAppWhole() throws {
    let target = try #require(try Self.plan().targets.first)
    let read = try Self.object(target, "CC libc src/read.c")
    let cancel = try Self.object(target, "CC libc src/cancel.c")
    #expect(target.lazyObjects == [read, cancel])
    let tail = Array(target.link.command.suffix(target.linkObjects.count))
    #expect(tail == target.linkObjects)
    // One run, in compile order, between the markers; everything else outside any run.
    let start = try #require(tail.firstIndex(of: "--start-lib"))
    #expect(Array(tail[start...].prefix(4)) == ["--start-lib", read, cancel, "--end-lib"])
    #expect(tail.filter { $0 == "--start-lib" }.count == 1)
    for whole in ["CC libc glue/init.c", "CC kcore core.c", "CC app main.c"] {
      let object = try Self.object(target, whole)
      #expect(tail.contains(object) && !target.lazyObjects.contains(object))
    }
    // Every object is still an input: a changed one links again.
    #expect(Set(target.compiles.map(\.object)).isSubset(of: Set(target.link.inputs)))
  }

  @Test func aTreeInsideTheRecipeFolderIsStillUpstream() throws {
    let target = try #require(try Self.plan(tree: "/ports/libc/upstream").targets.first)
    #expect(target.lazyObjects.count == 2)
    #expect(!target.lazyObjects.contains(try Self.object(target, "CC libc glue/init.c")))
  }

  @Test func runsAreMarkedWhereverLazyObjectsSit() {
    let words = BuildPlanner.linkObjects(
      ["a.o", "b.o", "c.o", "d.o", "e.o"], lazy: ["b.o", "c.o", "e.o"], runtimeLibraries: ["rt.a"])
    #expect(
      words == [
        "a.o", "--start-lib", "b.o", "c.o", "--end-lib", "d.o", "--start-lib", "e.o", "--end-lib", "rt.a",
      ])
    #expect(BuildPlanner.linkObjects(["a.o"], lazy: [], runtimeLibraries: []) == ["a.o"])
  }

  @Test func gnuLdLinksEverythingWhole() throws {
    let target = try #require(try Self.plan(toolchain: Self.gcc).targets.first)
    #expect(target.lazyObjects.isEmpty)
    #expect(!target.link.command.contains("--start-lib"))
  }

  @Test func sharedObjectsStayLazyUnderTheirSharedPath() throws {
    let plan = try Self.plan([
      Target(platform: .qemu, architecture: .x86_64), Target(platform: .firecracker, architecture: .x86_64),
    ])
    for target in plan.targets {
      let read = try Self.object(target, "CC libc src/read.c")
      #expect(read.contains("/fc+qemu-x86_64/"))
      #expect(target.lazyObjects.contains(read))
      #expect(Array(target.link.command.suffix(target.linkObjects.count)) == target.linkObjects)
    }
  }

  @Test func theReleasePlanSortsObjectsAndKeepsTheRunsMarked() throws {
    let target = try #require(try Self.plan().targets.first)
    let release = ReproducibleBuildPlan(mappings: [], family: .clang).apply(to: target)
    #expect(release.lazyObjects == target.lazyObjects)
    #expect(Array(release.link.command.suffix(release.linkObjects.count)) == release.linkObjects)
    // Sorted by source path within the library: cancel.c before read.c.
    let start = try #require(release.link.command.firstIndex(of: "--start-lib"))
    #expect(
      Array(release.link.command[(start + 1)...].prefix(2)) == [
        try Self.object(target, "CC libc src/cancel.c"), try Self.object(target, "CC libc src/read.c"),
      ])
  }

  @Test func theNinjaFileLinksThroughAResponseFileWithTheMarkers() throws {
    let target = try #require(try Self.plan().targets.first)
    let ninja = NinjaFile.target(target)
    #expect(ninja.contains("rspcontent = ") && ninja.contains("--start-lib"))
    let command = try #require(
      ninja.split(separator: "\n").first { $0.hasPrefix("  cmd = ") && $0.contains("@") })
    #expect(!command.contains("--start-lib"))
  }
}
