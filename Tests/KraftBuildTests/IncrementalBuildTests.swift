import Foundation
import KraftBasics
import KraftBuild
import KraftModel
import Testing

/// Real builds (clang, ld.lld, ninja) of a tiny fixture kernel: a no-op rebuild compiles
/// nothing, touching one source recompiles exactly that object, and a changed option
/// recompiles everything (options are -D flags of every compile). Counts, not times.
@Suite(.serialized) struct IncrementalBuildTests {
  final class Fixture {
    let root: String
    let fileSystem = LocalFileSystem()

    init() throws {
      root =
        FileManager.default.temporaryDirectory.appendingPathComponent("kraft-build-\(UUID().uuidString)").path
      let files: [String: String] = [
        "Kernel/include/kraft/abi.h": "#define KRAFT_ABI_VERSION 1\n",
        "Kernel/arch/x86_64/library.yaml": """
        name: arch-x86_64
        kind: arch
        architectures: [x86_64]
        sources: [start.c]
        global-cflags: [-mno-red-zone]
        options:
          CONFIG_FIXTURE_ANSWER:
            type: int
            default: 42
        """,
        "Kernel/arch/x86_64/start.c": "extern int main(void);\nvoid _start(void) { main(); for (;;) {} }\n",
        "Kernel/plat/qemu/library.yaml": """
        name: plat-qemu
        kind: platform
        platforms: [qemu]
        sources: ['*.c']
        linker-scripts: [link.lds]
        """,
        "Kernel/plat/qemu/plat.c": "int plat_answer(void) { return CONFIG_FIXTURE_ANSWER; }\n",
        "Kernel/plat/qemu/link.lds":
          "ENTRY(_start)\nSECTIONS { . = 0x100000; .text : { *(.text*) } .data : { *(.data*) *(.bss*) } }\n",
        "app/main.c": "int plat_answer(void);\nint main(void) { return plat_answer(); }\n",
      ]
      for (path, text) in files { try fileSystem.writeText(text, to: root + "/" + path) }
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    func plan(kconfig: [KConfigAssignment] = [], compiler: String? = nil) throws -> BuildPlan {
      let target = Target(platform: .qemu, architecture: .x86_64)
      let kraftfile = Kraftfile(
        name: "fixture", directory: root + "/app", targets: [target], kconfig: kconfig)
      let tree = try KernelTree.locate(
        kraftfile: kraftfile, environment: [:], executable: "", fileSystem: fileSystem)
      let catalog = try LibraryCatalog.load(kernel: tree, fileSystem: fileSystem)
      let request = BuildRequest(
        kraftfile: kraftfile, projectName: "fixture", outputDirectory: root + "/app/.unikraft/build",
        targets: [target], catalog: catalog.libraries, commonIncludes: tree.commonIncludes)
      return try BuildPlanner(
        fileSystem: fileSystem, toolchains: { try ToolchainDetector().detect(preferred: compiler, for: $0) }
      ).plan(request)
    }

    func build(_ plan: BuildPlan) throws -> BuildOutcome {
      let executor = BuildExecutor(fileSystem: fileSystem, runner: SystemProcessRunner())
      return try executor.execute(plan, progress: ProgressDisplay(output: TextBuffer()))
    }

    /// Moves a file's modification time forward, as an editor saving it would.
    func touch(_ path: String) throws {
      try FileManager.default.setAttributes(
        [.modificationDate: Date().addingTimeInterval(5)], ofItemAtPath: root + "/" + path)
    }
  }

  @Test func rebuildsOnlyWhatChanged() throws {
    let fixture = try Fixture()
    let plan = try fixture.plan()
    #expect(plan.compileCount == 3)

    let first = try fixture.build(plan)
    #expect(first.compiled == 3)
    #expect(first.linked == 1)
    #expect(fixture.fileSystem.exists(plan.targets[0].image))
    #expect(fixture.fileSystem.exists(plan.targets[0].debugImage))
    #expect(fixture.fileSystem.exists(plan.targets[0].mapFile))
    #expect(first.reports[0].contains("plat-qemu"))
    #expect(
      try fixture.fileSystem.readText(plan.targets[0].configHeader).contains(
        "#define CONFIG_FIXTURE_ANSWER 42"))

    let again = try fixture.build(try fixture.plan())
    #expect(again.compiled == 0)
    #expect(again.linked == 0)

    try fixture.touch("app/main.c")
    let touched = try fixture.build(try fixture.plan())
    #expect(touched.compiled == 1)
    #expect(touched.linked == 1)

    // A changed option reaches every object through its -D flags.
    let changed = try fixture.build(
      try fixture.plan(kconfig: [KConfigAssignment(name: "CONFIG_FIXTURE_ANSWER", value: "7")]))
    #expect(changed.compiled == 3)
  }

  @Test(.enabled(if: ExecutableLocator().find("gcc") != nil, "gcc is not installed"))
  func gccBuildsTheSameKernel() throws {
    let fixture = try Fixture()
    let plan = try fixture.plan(compiler: "gcc")
    #expect(plan.targets[0].toolchain.family == .gcc)
    #expect(!plan.targets[0].compiles[0].command.contains { $0.hasPrefix("--target=") })
    let outcome = try fixture.build(plan)
    #expect(outcome.compiled == 3)
    #expect(fixture.fileSystem.exists(plan.targets[0].image))
  }

  @Test func compilerErrorsNameTheFileAndKeepTheCompilerOutput() throws {
    let fixture = try Fixture()
    try fixture.fileSystem.writeText("int main(void) { return 0 }\n", to: fixture.root + "/app/main.c")
    do {
      _ = try fixture.build(try fixture.plan())
      Issue.record("expected the build to fail")
    } catch let failure as BuildFailure {
      #expect(failure.message.hasPrefix("compiling '\(fixture.root)/app/main.c' (library 'app') failed:"))
      #expect(failure.message.contains("error: expected ';'"))
      #expect(!failure.message.contains("-ffreestanding"))
    }
  }
}
