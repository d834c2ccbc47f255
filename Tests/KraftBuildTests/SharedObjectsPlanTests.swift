import KraftBasics
import KraftBuild
import KraftModel
import Testing

/// Sharing between targets in the plan itself (`SharedObjects`): what two targets of one
/// architecture compile alike is planned once and linked into both; what a platform's
/// options can change, and everything of another architecture, stays per target.
@Suite struct SharedObjectsPlanTests {
  static let toolchain = Toolchain(
    family: .clang, compiler: "/tc/clang", linker: "/tc/ld.lld", objcopy: "/tc/llvm-objcopy",
    builtinIncludes: ["/tc/lib/clang/21/include"])

  static let catalog: [LibraryManifest] = [
    LibraryManifest(
      name: "arch-x86_64", kind: .arch, architectures: [.x86_64], sources: [LibraryFile("entry.S")],
      directory: "/k/arch-x86_64"),
    LibraryManifest(
      name: "arch-arm64", kind: .arch, architectures: [.arm64], sources: [LibraryFile("entry.S")],
      directory: "/k/arch-arm64"),
    LibraryManifest(
      name: "plat-qemu", kind: .platform, platforms: [.qemu], requires: ["kcore"],
      sources: [LibraryFile("qemu.c")], linkerScripts: [LibraryFile("link.lds")], directory: "/k/plat-qemu"),
    LibraryManifest(
      name: "plat-firecracker", kind: .platform, platforms: [.firecracker], requires: ["kcore"],
      sources: [LibraryFile("fc.c")], linkerScripts: [LibraryFile("link.lds")], directory: "/k/plat-fc"),
    LibraryManifest(
      name: "kcore", sources: [LibraryFile("core.c"), LibraryFile("boot.c")],
      includes: [LibraryFile("include")],
      directory: "/k/kcore"),
  ]

  static let files: [String: String] = [
    "/k/arch-x86_64/entry.S": "", "/k/arch-arm64/entry.S": "",
    "/k/plat-qemu/qemu.c": "#ifdef CONFIG_LIBPLAT_QEMU\n#endif\n", "/k/plat-qemu/link.lds": "",
    "/k/plat-fc/fc.c": "", "/k/plat-fc/link.lds": "",
    "/k/kcore/core.c": "#include <kcore.h>\nint core;\n",
    "/k/kcore/boot.c": "#include <kcore.h>\nint boot;\n",
    "/k/kcore/include/kcore.h": "#define KCORE 1\n",
    "/p/main.c": "int main(void) { return 0; }\n",
    // Left by an earlier build: names every option, but is no compile's input.
    "/p/.unikraft/build/qemu-x86_64/include/config.h": "#define CONFIG_LIBPLAT_QEMU 1\n",
  ]

  static let output = "/p/.unikraft/build"

  static func plan(_ targets: [Target], files extra: [String: String] = [:]) throws -> BuildPlan {
    let fileSystem = InMemoryFileSystem(files: files.merging(extra) { $1 })
    let request = BuildRequest(
      kraftfile: Kraftfile(name: "demo", directory: "/p", targets: targets), projectName: "demo",
      outputDirectory: output, targets: targets, catalog: catalog, commonIncludes: ["/k/include"])
    return try BuildPlanner(fileSystem: fileSystem, toolchains: { _ in toolchain }).plan(request)
  }

  static let qemu = Target(platform: .qemu, architecture: .x86_64)
  static let fc = Target(platform: .firecracker, architecture: .x86_64)
  static let arm = Target(platform: .qemu, architecture: .arm64)

  static func step(_ target: TargetBuildPlan, _ description: String) throws -> CompileStep {
    try #require(target.compiles.first { $0.description == description })
  }

  @Test func twoTargetsOfOneArchitectureCompileWhatTheyShareOnce() throws {
    let plan = try Self.plan([Self.qemu, Self.fc])
    let (qemu, fc) = (plan.targets[0], plan.targets[1])
    for description in ["AS arch-x86_64 entry.S", "CC kcore core.c", "CC kcore boot.c", "CC app main.c"] {
      let first = try Self.step(qemu, description)
      let second = try Self.step(fc, description)
      #expect(first == second)
      #expect(first.object.hasPrefix(Self.output + "/fc+qemu-x86_64/obj/"))
      // The platform's selection flag reads nowhere, so it is not part of the shared command.
      #expect(!first.command.contains { $0.hasPrefix("-DCONFIG_LIBPLAT_") })
      #expect(first.command.contains("-MF") && first.command.contains(first.object + ".d"))
      #expect(qemu.link.command.contains(first.object) && fc.link.command.contains(first.object))
      #expect(qemu.link.inputs.contains(first.object) && fc.link.inputs.contains(first.object))
    }
    // Each platform's own file stays in its target's folder, with its options.
    let own = try Self.step(qemu, "CC plat-qemu qemu.c")
    #expect(own.object == Self.output + "/qemu-x86_64/obj/plat-qemu/qemu.c.o")
    #expect(own.command.contains("-DCONFIG_LIBPLAT_QEMU=1"))
    #expect(plan.compileCount == 6)
    #expect(plan.sharedCompiles.map(\.description).count == 4)
    #expect(plan.ownCompiles(of: fc).map(\.description) == ["CC plat-firecracker fc.c"])
  }

  @Test func aTargetAloneIsPlannedAsBefore() throws {
    let plan = try Self.plan([Self.qemu])
    #expect(plan.sharedCompiles.isEmpty)
    #expect(plan.targets[0].compiles.allSatisfy { $0.object.hasPrefix(Self.output + "/qemu-x86_64/obj/") })
    // The application keeps every option; a kernel library only those its files mention.
    let compiles = plan.targets[0].compiles
    #expect(
      compiles.filter { $0.library == "app" || $0.library == "plat-qemu" }.allSatisfy {
        $0.command.contains("-DCONFIG_LIBPLAT_QEMU=1")
      })
    #expect(
      !compiles.filter { $0.library == "kcore" }.contains { $0.command.contains("-DCONFIG_LIBPLAT_QEMU=1") })
    #expect(!NinjaFile.topLevel(plan).contains("shared.ninja"))
  }

  @Test func aFileThatCanSeeAPlatformOptionIsCompiledPerTarget() throws {
    let plan = try Self.plan(
      [Self.qemu, Self.fc], files: ["/k/kcore/boot.c": "#if CONFIG_LIBPLAT_QEMU\nint qemu;\n#endif\n"])
    let (qemu, fc) = (plan.targets[0], plan.targets[1])
    let boot = (try Self.step(qemu, "CC kcore boot.c"), try Self.step(fc, "CC kcore boot.c"))
    #expect(boot.0.object == Self.output + "/qemu-x86_64/obj/kcore/boot.c.o")
    #expect(boot.1.object == Self.output + "/fc-x86_64/obj/kcore/boot.c.o")
    #expect(boot.0.command.contains("-DCONFIG_LIBPLAT_QEMU=1"))
    #expect(!boot.1.command.contains { $0.hasPrefix("-DCONFIG_LIBPLAT_") })
    // core.c in the same folder does not include boot.c, but the folder is what is looked at.
    #expect(try Self.step(qemu, "CC kcore core.c") != Self.step(fc, "CC kcore core.c"))
    // The application's folder and include folders name neither option: shared.
    #expect(try Self.step(qemu, "CC app main.c") == Self.step(fc, "CC app main.c"))
  }

  @Test func aHeaderThatPastesConfigNamesSharesNothingThatSeesIt() throws {
    let plan = try Self.plan(
      [Self.qemu, Self.fc], files: ["/k/kcore/include/kcore.h": "#define ON(x) CONFIG_ ## x\n"])
    let (qemu, fc) = (plan.targets[0], plan.targets[1])
    #expect(try Self.step(qemu, "CC kcore core.c").object.hasPrefix(Self.output + "/qemu-x86_64/"))
    #expect(try Self.step(fc, "CC kcore core.c").object.hasPrefix(Self.output + "/fc-x86_64/"))
  }

  @Test func anotherArchitectureSharesNothing() throws {
    let plan = try Self.plan([Self.qemu, Self.arm, Self.fc])
    let arm = plan.targets[1]
    #expect(arm.compiles.allSatisfy { $0.object.hasPrefix(Self.output + "/qemu-arm64/obj/") })
    #expect(
      try Self.step(plan.targets[0], "CC kcore core.c") == Self.step(plan.targets[2], "CC kcore core.c"))
    #expect(plan.ownCompiles(of: arm).count == arm.compiles.count)
  }

  @Test func theNinjaFilesBuildASharedObjectOnceAndLinkItTwice() throws {
    let plan = try Self.plan([Self.qemu, Self.fc])
    let shared = NinjaFile.shared(plan, compilerLauncher: "/usr/bin/ccache")
    let object = try Self.step(plan.targets[0], "CC kcore core.c").object
    let edge = "build \(object): compile_shared"
    #expect(shared.components(separatedBy: edge).count == 2)
    #expect(shared.contains("command = /usr/bin/ccache $cmd"))
    for target in plan.targets {
      let text = NinjaFile.target(target, ownCompiles: plan.ownCompiles(of: target))
      #expect(!text.contains("build \(object):"))
      #expect(text.contains(object))  // named by the link
    }
    let top = NinjaFile.topLevel(plan)
    #expect(top.contains("subninja \(Self.output)/shared.ninja\nsubninja"))
  }

  @Test func aReleasePlanKeepsSharedStepsAlike() throws {
    let plan = try Self.plan([Self.qemu, Self.fc])
    let release = ReproducibleBuildPlan(
      mappings: [.init(from: "/p", to: ReproducibleBuildPlan.compilationDirectory)], family: .clang
    ).apply(to: plan)
    #expect(release.sharedCompiles.count == plan.sharedCompiles.count)
    #expect(
      try Self.step(release.targets[0], "CC app main.c") == Self.step(release.targets[1], "CC app main.c"))
  }

  @Test func cleanKnowsEverySharedFolderName() {
    let xen = Target(platform: .xen, architecture: .x86_64)
    #expect(
      Set(SharedObjects.folderNames(for: [Self.qemu, Self.fc, xen, Self.arm]))
        == ["fc+qemu-x86_64", "fc+xen-x86_64", "qemu+xen-x86_64", "fc+qemu+xen-x86_64"])
    #expect(SharedObjects.folderNames(for: [Self.qemu, Self.arm]).isEmpty)
    #expect(
      Set(SharedObjects.folderNames(for: [Self.qemu, Self.fc, xen, Self.arm], sharedBy: xen))
        == ["fc+xen-x86_64", "qemu+xen-x86_64", "fc+qemu+xen-x86_64"])
    #expect(SharedObjects.folderNames(for: [Self.qemu, Self.fc, Self.arm], sharedBy: Self.arm).isEmpty)
  }
}
