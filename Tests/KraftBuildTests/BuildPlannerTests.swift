import KraftBasics
import KraftBuild
import KraftModel
import Testing

/// Plans on an in-memory tree: which sources apply (architecture, `if:` conditions, globs),
/// which flags each compilation gets, and how the app's sources are found.
@Suite struct BuildPlannerTests {
  static let toolchain = Toolchain(
    family: .clang, compiler: "/tc/clang", linker: "/tc/ld.lld", objcopy: "/tc/llvm-objcopy",
    builtinIncludes: ["/tc/lib/clang/21/include"])

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
        LibraryFile("debug.c", conditions: [OptionCondition(option: "CONFIG_KCORE_DEBUG")]),
        LibraryFile("quiet.c", conditions: [OptionCondition(option: "CONFIG_KCORE_DEBUG", negated: true)]),
        // Every condition of a list must hold: never both.
        LibraryFile(
          "never.c",
          conditions: [
            OptionCondition(option: "CONFIG_KCORE_DEBUG"),
            OptionCondition(option: "CONFIG_KCORE_DEBUG", negated: true),
          ]),
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
    app: [String: String], kconfig: [KConfigAssignment] = [], appSources: [String]? = nil,
    appCFlags: [String] = []
  ) throws -> TargetBuildPlan {
    let fileSystem = InMemoryFileSystem(files: files.merging(app) { $1 })
    let target = Target(platform: .qemu, architecture: .x86_64)
    let request = BuildRequest(
      kraftfile: Kraftfile(name: "demo", directory: "/p", targets: [target], kconfig: kconfig),
      projectName: "demo", outputDirectory: "/p/.unikraft/build", targets: [target], catalog: catalog,
      commonIncludes: ["/k/include"], extraCFlags: ["-Wall"], appCFlags: appCFlags,
      appSources: appSources)
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
    #expect(!debug.compiles.map(\.description).contains("CC kcore never.c"))
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

  /// Libraries keep C11 unless their own flags name a dialect; the application gets GNU C17
  /// (the host compilers' default) and the project's `x-build: cflags` after it, which reach
  /// no library: `-D_GNU_SOURCE` there must not change how musl builds.
  @Test func appGetsGnu17AndProjectFlagsLibrariesKeepTheirDialect() throws {
    let plan = try Self.plan(app: ["/p/main.c": "", "/p/start.S": ""], appCFlags: ["-D_GNU_SOURCE"])
    let core = try #require(plan.compiles.first { $0.description == "CC kcore core.c" }).command
    let main = try #require(plan.compiles.first { $0.description == "CC app main.c" }).command
    let start = try #require(plan.compiles.first { $0.description == "AS app start.S" }).command
    #expect(core.contains("-std=c11") && !core.contains("-std=gnu17"))
    #expect(!core.contains("-D_GNU_SOURCE"))
    #expect(main.contains("-std=gnu17") && !main.contains("-std=c11"))
    let index = { (flag: String) in try #require(main.firstIndex(of: flag)) }
    #expect(try index("-std=gnu17") < index("-D_GNU_SOURCE"))
    #expect(try index("-D_GNU_SOURCE") < index("-Wall"))
    #expect(
      start.contains("-D_GNU_SOURCE") && start.contains("-D__ASSEMBLY__") && !start.contains("-std=gnu17"))

    // The project's own dialect wins over the default (it comes later on the line).
    let c99 = try Self.plan(app: ["/p/main.c": ""], appCFlags: ["-std=c99"])
    let command = try #require(c99.compiles.first { $0.library == "app" }).command
    #expect(try #require(command.lastIndex { $0.hasPrefix("-std=") }) == command.firstIndex(of: "-std=c99"))
  }

  @Test func aLibrarysOwnDialectWinsOverC11() throws {
    let fileSystem = InMemoryFileSystem(files: Self.files.merging(["/p/main.c": "", "/m/a.c": ""]) { $1 })
    let target = Target(platform: .qemu, architecture: .x86_64)
    let port = LibraryManifest(
      name: "libm", sources: [LibraryFile("a.c")], cflags: ["-std=c99", "-D_XOPEN_SOURCE=700"],
      directory: "/m")
    let request = BuildRequest(
      kraftfile: Kraftfile(
        name: "demo", directory: "/p", libraries: [Component(name: "libm")], targets: [target]),
      projectName: "demo", outputDirectory: "/p/.unikraft/build", targets: [target],
      catalog: Self.catalog + [port])
    let plan = try BuildPlanner(fileSystem: fileSystem, toolchains: { _ in Self.toolchain }).plan(request)
    let command = try #require(plan.targets.first?.compiles.first { $0.library == "libm" }).command
    let dialects = command.filter { $0.hasPrefix("-std=") }
    #expect(dialects == ["-std=c11", "-std=c99"])
  }

  /// No host folder is ever searched: every compilation, kernel, port or app, runs with
  /// `-nostdinc` and sees only the compiler's own builtin headers besides its `-I` folders.
  @Test func everyCompilationIsHermetic() throws {
    let plan = try Self.plan(app: ["/p/main.c": ""])
    for step in plan.compiles {
      #expect(step.command.contains("-nostdinc"), "\(step.description)")
      let isystem = try #require(step.command.firstIndex(of: "-isystem"))
      #expect(step.command[isystem + 1] == "/tc/lib/clang/21/include")
    }
  }

  @Test func explicitAppSourcesReplaceTheConvention() throws {
    let plan = try Self.plan(
      app: ["/p/main.c": "", "/p/src/a.c": "", "/p/src/b.c": ""], appSources: ["src/*.c"])
    #expect(
      plan.compiles.filter { $0.library == "app" }.map(\.description) == ["CC app src/a.c", "CC app src/b.c"])
  }

  @Test func missingAppSourcesSayWhatToAdd() {
    // The project folder exists (it holds the Kraftfile) but has no sources.
    #expect(throws: Diagnostics.self) { try Self.plan(app: ["/p/Kraftfile": ""]) }
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
    let runner = AnsweringRunner(answers: ["/tc/clang -print-resource-dir": "/tc/lib/clang/21\n"])
    let toolchain = try ToolchainDetector(
      locator: locator, builtinHeaders: BuiltinHeaderLocator(runner: runner)
    )
    .detect(preferred: nil, for: .arm64)
    #expect(
      toolchain
        == Toolchain(
          family: .clang, compiler: "/tc/clang", linker: "/tc/ld.lld", objcopy: "/tc/llvm-objcopy",
          builtinIncludes: ["/tc/lib/clang/21/include"])
    )
    #expect(toolchain.targetFlags(.arm64) == ["--target=aarch64-unknown-none-elf"])
  }

  @Test func gccsBuiltinHeadersAndAFailedQuestion() throws {
    let present: Set<String> = ["/tc/gcc", "/tc/x86_64-linux-gnu-ld", "/tc/x86_64-linux-gnu-objcopy"]
    let locator = ExecutableLocator(searchPath: ["/tc"], isExecutable: { present.contains($0) })
    let runner = AnsweringRunner(answers: ["/tc/gcc -print-file-name=include": "/usr/lib/gcc/x/12/include\n"])
    let gcc = try ToolchainDetector(locator: locator, builtinHeaders: BuiltinHeaderLocator(runner: runner))
      .detect(preferred: "gcc", for: .x86_64)
    #expect(gcc.builtinIncludes == ["/usr/lib/gcc/x/12/include"])
    #expect(gcc.linkerFlavor == .gnu)
    #expect(gcc.headerFlags == ["-nostdinc", "-isystem", "/usr/lib/gcc/x/12/include"])
    // gcc echoes a name it cannot find: no folder, so no hermetic build; an error says so.
    let echoing = AnsweringRunner(answers: ["/tc/gcc -print-file-name=include": "include\n"])
    #expect(throws: BuiltinHeadersNotFound(compiler: "/tc/gcc", question: "-print-file-name=include")) {
      try ToolchainDetector(locator: locator, builtinHeaders: BuiltinHeaderLocator(runner: echoing))
        .detect(preferred: "gcc", for: .x86_64)
    }
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

/// Answers `executable arguments...` lines with canned stdout; anything else fails.
struct AnsweringRunner: ProcessRunner {
  var answers: [String: String]

  func run(_ command: ProcessCommand, output: ProcessOutputMode) throws -> ProcessResult {
    let line = ([command.executable] + command.arguments).joined(separator: " ")
    guard let answer = answers[line] else { return ProcessResult(status: 1, stderr: "unknown") }
    return ProcessResult(status: 0, stdout: answer)
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
