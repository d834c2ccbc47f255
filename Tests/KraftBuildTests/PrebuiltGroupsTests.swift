import Foundation
import KraftBasics
import KraftModel
import Testing

@testable import KraftBuild

/// What the prebuilt store keeps apart (`PrebuiltLibraries.groups`): each kernel library
/// whole, each port as its upstream sources and its glue, never the application; and what
/// changes each group's key: a kernel library's source or header, a glue-only flag that
/// leaves the port's upstream key as it was.
@Suite struct PrebuiltGroupsTests {
  static let tree = PortOptionFlagsTests.tree

  /// The planned compiles of `PortOptionFlagsTests`' image (kernel libraries, the port
  /// `tiny` with its glue, the application), run by a compiler that exists (its identity
  /// is read), with `glueFlags` added to the glue's command.
  static func plan(files: [String: String] = [:], glueFlags: [String] = []) throws -> BuildPlan {
    var target = try PortOptionFlagsTests.plan(files: files)
    for index in target.compiles.indices {
      target.compiles[index].command[0] = "/bin/true"
      if target.compiles[index].source == "/ports/tiny/glue.c" {
        target.compiles[index].command.insert(contentsOf: glueFlags, at: 1)
      }
    }
    return BuildPlan(outputDirectory: "/p/.unikraft/build", targets: [target])
  }

  static func groups(_ plan: BuildPlan, files: [String: String] = [:]) throws -> [PrebuiltLibraries.Group] {
    let fileSystem = InMemoryFileSystem(files: PortOptionFlagsTests.files.merging(files) { $1 })
    let keying = PrebuiltKey(
      fileSystem: fileSystem, verifiedTrees: [tree: "tree sha256:1 patches - prepared -"],
      outputDirectory: plan.outputDirectory, projectDirectory: "/p")
    let libraries = PrebuiltLibraries(
      store: PrebuiltStore(directory: "/nowhere", maxBytes: 1), runner: SystemProcessRunner())
    return try libraries.groups(
      plan, libraries: ["arch-x86_64", "plat-qemu", "kcore", "tiny"],
      ports: ["tiny": (recipe: "/ports/tiny", tree: tree)], keying: keying, environment: [:])
  }

  static func key(_ groups: [PrebuiltLibraries.Group], _ library: String, _ part: PrebuiltLibraries.Part)
    -> String?
  {
    groups.first { $0.library == library && $0.part == part }?.key
  }

  @Test func kernelLibrariesArePartsOfTheirOwnAndAPortsGlueIsKeptApartFromItsUpstream() throws {
    let groups = try Self.groups(try Self.plan())
    let parts = Set(groups.map { "\($0.library) \($0.part.rawValue) \($0.steps.count)" })
    #expect(
      parts == [
        "arch-x86_64 kernel 1", "plat-qemu kernel 1", "kcore kernel 1", "tiny upstream 1", "tiny glue 1",
      ])
    #expect(!groups.contains { $0.library == "app" })
    #expect(Set(groups.map(\.key)).count == groups.count)
    let glue = try #require(groups.first { $0.part == .glue })
    #expect(glue.stamp == "/p/.unikraft/build/qemu-x86_64/obj/tiny.glue.prebuilt")
    #expect(
      groups.first { $0.part == .upstream }?.stamp == "/p/.unikraft/build/qemu-x86_64/obj/tiny.prebuilt")
    // The summary counts the kernel's objects together, and a port's two parts together.
    let reused = BuildExecutor.reusedCounts(groups)
    #expect(
      reused == [ReusedLibrary(library: "kernel", objects: 3), ReusedLibrary(library: "tiny", objects: 2)])
  }

  @Test func aGlueOnlyFlagChangesTheGluesKeyAndNotTheUpstreamOne() throws {
    let base = try Self.groups(try Self.plan())
    let changed = try Self.groups(try Self.plan(glueFlags: ["-DCONFIG_TINY_STACK=64"]))
    #expect(Self.key(changed, "tiny", .glue) != Self.key(base, "tiny", .glue))
    #expect(Self.key(changed, "tiny", .upstream) == Self.key(base, "tiny", .upstream))
    #expect(Self.key(changed, "kcore", .kernel) == Self.key(base, "kcore", .kernel))
  }

  @Test func aChangedKernelSourceOrHeaderChangesThatLibrarysKey() throws {
    let plan = try Self.plan()
    let base = try Self.groups(plan)
    // The source itself, another file of its folder, a header of the include folder.
    for (file, text) in [
      ("/k/kcore/core.c", "int core2;\n"), ("/k/kcore/extra.h", "#define X 1\n"),
      ("/k/kcore/include/kcore.h", "int changed;\n"),
    ] {
      let changed = try Self.groups(plan, files: [file: text])
      #expect(Self.key(changed, "kcore", .kernel) != Self.key(base, "kcore", .kernel), "\(file)")
      // The platform library does not see kcore's folder (only its include folder).
      if !file.contains("/include/") {
        #expect(Self.key(changed, "plat-qemu", .kernel) == Self.key(base, "plat-qemu", .kernel), "\(file)")
      }
    }
    // An option the kernel library reads reaches its command, so its key.
    let reading = ["/k/kcore/core.c": "#if CONFIG_LIBPLAT_QEMU\nint q;\n#endif\n"]
    let optioned = try Self.plan(files: reading)
    let kcore = try #require(optioned.targets[0].compiles.first { $0.library == "kcore" })
    #expect(kcore.command.contains("-DCONFIG_LIBPLAT_QEMU=1"))
    #expect(
      Self.key(try Self.groups(optioned, files: reading), "kcore", .kernel)
        != Self.key(base, "kcore", .kernel))
  }
}
