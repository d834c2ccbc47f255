import KraftBasics
import KraftBuild
import KraftModel
import Testing

/// Plans on an in-memory tree: which sources apply (architecture, `if:` conditions, globs),
/// which flags each compilation gets, and how the app's sources are found.
@Suite struct BuildPlannerTests {
  static let toolchain = Toolchain(
    family: .clang, compiler: "/tc/clang", linker: "/tc/ld.lld", objcopy: "/tc/llvm-objcopy")

  static let catalog: [LibraryManifest] = [
    LibraryManifest(
      name: "arch-x86_64", kind: .arch, architectures: [.x86_64],
      sources: [LibraryFile("boot/*.S"), LibraryFile("arm.c", architectures: [.arm64])],
      includes: [LibraryFile("include")], globalCflags: ["-mno-red-zone"], directory: "/k/arch"),
    LibraryManifest(
      name: "plat-qemu", kind: .platform, requires: ["kcore"],
      linkerScripts: [LibraryFile("link.lds")], directory: "/k/plat"),
    LibraryManifest(
      name: "kcore",
      sources: [
        LibraryFile("core.c"),
        LibraryFile("debug.c", condition: OptionCondition(option: "CONFIG_KCORE_DEBUG")),
        LibraryFile("quiet.c", condition: OptionCondition(option: "CONFIG_KCORE_DEBUG", negated: true)),
      ],
      cflags: ["-DKCORE"],
      options: [
        LibraryOption(name: "CONFIG_KCORE_DEBUG", kind: .bool, defaultValue: .bool(false), library: "kcore")
      ],
      directory: "/k/kcore"),
  ]

  static let files: [String: String] = [
    "/k/arch/boot/entry.S": "", "/k/arch/boot/smp.S": "", "/k/arch/arm.c": "", "/k/arch/include/a.h": "",
    "/k/plat/link.lds": "", "/k/kcore/core.c": "", "/k/kcore/debug.c": "", "/k/kcore/quiet.c": "",
  ]

  static func plan(
    app: [String: String], kconfig: [KConfigAssignment] = [], appSources: [String]? = nil
  ) throws -> TargetBuildPlan {
    let fileSystem = InMemoryFileSystem(files: files.merging(app) { $1 })
    let target = Target(platform: .qemu, architecture: .x86_64)
    let request = BuildRequest(
      kraftfile: Kraftfile(name: "demo", directory: "/p", targets: [target], kconfig: kconfig),
      projectName: "demo", outputDirectory: "/p/.unikraft/build", targets: [target], catalog: catalog,
      commonIncludes: ["/k/include"], extraCFlags: ["-Wall"], appSources: appSources)
    let plan = try BuildPlanner(fileSystem: fileSystem, toolchains: { _ in toolchain }).plan(request)
    return try #require(plan.targets.first)
  }

  @Test func sourcesFollowArchitecturesGlobsAndConditions() throws {
    let plan = try Self.plan(app: ["/p/main.c": "", "/p/notes.txt": ""])
    #expect(
      plan.compiles.map(\.description) == [
        "AS arch-x86_64 boot/entry.S", "AS arch-x86_64 boot/smp.S", "CC kcore core.c", "CC kcore quiet.c",
        "CC app main.c",
      ])
    let debug = try Self.plan(
      app: ["/p/main.c": ""], kconfig: [KConfigAssignment(name: "CONFIG_KCORE_DEBUG", value: "y")])
    #expect(debug.compiles.map(\.description).contains("CC kcore debug.c"))
    #expect(!debug.compiles.map(\.description).contains("CC kcore quiet.c"))
  }

  @Test func compilationsGetBaseGlobalOwnAndExtraFlagsInOrder() throws {
    let plan = try Self.plan(app: ["/p/main.c": ""])
    let core = try #require(plan.compiles.first { $0.description == "CC kcore core.c" })
    let command = core.command
    #expect(command.first == "/tc/clang")
    #expect(command[1] == "--target=x86_64-unknown-none-elf")
    #expect(command.contains("-ffreestanding") && command.contains("-std=c11"))
    let index = { (flag: String) in try #require(command.firstIndex(of: flag)) }
    #expect(try index("-mno-red-zone") < index("-DKCORE"))
    #expect(try index("-DKCORE") < index("-Wall"))
    #expect(command.contains("-I/k/include") && command.contains("-I/k/arch/include"))
    #expect(
      command.suffix(4) == [
        "-c", "/k/kcore/core.c", "-o", "/p/.unikraft/build/qemu-x86_64/obj/kcore/core.c.o",
      ])
    #expect(plan.link.command.contains("-T") && plan.link.command.contains("/k/plat/link.lds"))
    #expect(plan.image == "/p/.unikraft/build/demo_qemu-x86_64")
    #expect(plan.strip.command == ["/tc/llvm-objcopy", "--strip-all", plan.debugImage, plan.image])
  }

  @Test func explicitAppSourcesReplaceTheConvention() throws {
    let plan = try Self.plan(
      app: ["/p/main.c": "", "/p/src/a.c": "", "/p/src/b.c": ""], appSources: ["src/*.c"])
    #expect(
      plan.compiles.filter { $0.library == "app" }.map(\.description) == ["CC app src/a.c", "CC app src/b.c"])
  }

  @Test func missingAppSourcesSayWhatToAdd() {
    #expect(throws: Diagnostics.self) { try Self.plan(app: [:]) }
  }

  @Test func makefileUkWinsOverTheConvention() throws {
    let plan = try Self.plan(app: [
      "/p/main.c": "", "/p/other.c": "",
      "/p/Makefile.uk": "$(eval $(call addlib,appdemo))\nAPPDEMO_SRCS-y += $(APPDEMO_BASE)/other.c\n",
    ])
    #expect(plan.compiles.filter { $0.library == "appdemo" }.map(\.description) == ["CC appdemo other.c"])
    #expect(!plan.compiles.contains { $0.library == "app" })
  }

  @Test func ninjaFileRunsEveryStepWithADepfile() throws {
    let plan = try Self.plan(app: ["/p/main.c": ""])
    let ninja = NinjaFile.target(plan)
    #expect(ninja.contains("rule compile_qemu-x86_64\n  command = $cmd\n  depfile = $out.d\n  deps = gcc"))
    #expect(
      ninja.contains("build /p/.unikraft/build/qemu-x86_64/obj/app/main.c.o: compile_qemu-x86_64 /p/main.c"))
    #expect(
      ninja.contains(
        "build /p/.unikraft/build/demo_qemu-x86_64.dbg /p/.unikraft/build/demo_qemu-x86_64.map: link_qemu-x86_64"
      ))
    // The objects reach the linker through a response file, not the command line.
    #expect(ninja.contains("  rsp = /p/.unikraft/build/demo_qemu-x86_64.dbg.rsp\n"))
    #expect(ninja.contains("@/p/.unikraft/build/demo_qemu-x86_64.dbg.rsp\n"))
    #expect(ninja.contains("  rspcontent = ") && ninja.contains("/obj/app/main.c.o"))
  }
}

@Suite struct ToolchainDetectorTests {
  @Test func clangNeedsItsLinkerAndObjcopy() throws {
    let present: Set<String> = ["/tc/clang", "/tc/ld.lld", "/tc/llvm-objcopy"]
    let locator = ExecutableLocator(searchPath: ["/tc"], isExecutable: { present.contains($0) })
    let toolchain = try ToolchainDetector(locator: locator).detect(preferred: nil, for: .arm64)
    #expect(
      toolchain
        == Toolchain(family: .clang, compiler: "/tc/clang", linker: "/tc/ld.lld", objcopy: "/tc/llvm-objcopy")
    )
    #expect(toolchain.targetFlags(.arm64) == ["--target=aarch64-unknown-none-elf"])
  }

  @Test func missingToolsNameTheirPackage() {
    let none = ExecutableLocator(searchPath: ["/tc"], isExecutable: { _ in false })
    #expect(throws: MissingToolError(tool: "clang", package: "clang", purpose: "to compile for x86_64")) {
      try ToolchainDetector(locator: none).detect(preferred: nil, for: .x86_64)
    }
    #expect(
      throws: MissingToolError(
        tool: "aarch64-linux-gnu-gcc", package: "gcc-aarch64-linux-gnu",
        purpose: "to compile for arm64 with gcc")
    ) {
      try ToolchainDetector(locator: none).detect(preferred: "gcc", for: .arm64)
    }
    let message = MissingToolError(tool: "ninja", package: "ninja-build", purpose: "to run builds").message
    #expect(
      message
        == "'ninja' is not installed; it is needed to run builds. Install it with 'apt-get install ninja-build'"
    )
  }
}

@Suite struct ProjectLayoutTests {
  static let kraftfile = Kraftfile(
    name: "demo", directory: "/p",
    targets: [
      Target(platform: .qemu, architecture: .x86_64),
      Target(name: "fast", platform: .firecracker, architecture: .x86_64),
    ], extensions: ["x-build": #"{"compiler":"gcc","cflags":["-Wall"],"sources":["src/*.c"]}"#])

  @Test func targetsAreSelectedByNameShortFormOrAlias() throws {
    let layout = ProjectLayout(kraftfile: Self.kraftfile)
    #expect(try layout.targets(named: []).count == 2)
    #expect(try layout.targets(named: ["fast"]).map(\.platform) == [.firecracker])
    #expect(try layout.targets(named: ["firecracker/amd64"]).map(\.platform) == [.firecracker])
    #expect(try layout.targets(named: ["qemu/x86_64"]).map(\.platform) == [.qemu])
    #expect(throws: TargetNotFound.self) { try layout.targets(named: ["xen/x86_64"]) }
    #expect(layout.outputDirectory == "/p/.unikraft/build")
    #expect(layout.image(for: Self.kraftfile.targets[1]) == "/p/.unikraft/build/demo_fc-x86_64")
  }

  @Test func twoTargetsOfOnePairAreRefused() {
    let kraftfile = Kraftfile(
      directory: "/p",
      targets: [
        Target(name: "a", platform: .qemu, architecture: .x86_64),
        Target(name: "b", platform: .qemu, architecture: .x86_64),
      ])
    #expect(throws: Diagnostics.self) { try ProjectLayout(kraftfile: kraftfile).targets(named: []) }
  }

  @Test func buildSettingsComeFromXBuild() throws {
    let settings = try BuildSettings(kraftfile: Self.kraftfile)
    #expect(settings == BuildSettings(compiler: "gcc", cflags: ["-Wall"], sources: ["src/*.c"]))
    var bad = Self.kraftfile
    bad.extensions["x-build"] = #"{"cflags": 3}"#
    #expect(throws: Diagnostics.self) { try BuildSettings(kraftfile: bad) }
  }
}
