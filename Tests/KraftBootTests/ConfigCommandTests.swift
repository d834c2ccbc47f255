import Foundation
import Testing

/// `kraft config`, `kraft build --dry-run` and option errors, through the command line; none
/// of these compile or boot anything.
@Suite struct ConfigCommandTests {
  static func project(kconfig: String) throws -> ScratchProject {
    let scratch = try ScratchProject(copying: "examples/helloworld")
    let kraftfile = scratch.url.appendingPathComponent("Kraftfile")
    let text = try String(contentsOf: kraftfile, encoding: .utf8)
    try (text + "\n" + kconfig).write(to: kraftfile, atomically: true, encoding: .utf8)
    return scratch
  }

  @Test func explainSaysWhichStepSetTheValue() throws {
    let scratch = try Self.project(
      kconfig: """
        kconfig:
          CONFIG_ALLOC_BUDDY_MAX_ORDER: 20
        """)
    let result = try KraftProcess.run(
      ["config", "explain", "CONFIG_ALLOC_BUDDY_MAX_ORDER", "-t", "qemu/x86_64"], in: scratch.url)
    #expect(result.status == 0, "\(result.output)")
    #expect(result.stdout.contains("CONFIG_ALLOC_BUDDY_MAX_ORDER=20"))
    #expect(result.stdout.contains("set by the top-level 'kconfig:' at Kraftfile:"))
    #expect(result.stdout.contains("overrides 18 from the default in library 'alloc-buddy'"))
  }

  @Test func showListsLibrariesAndOptions() throws {
    let scratch = try ScratchProject(copying: "examples/helloworld")
    let result = try KraftProcess.run(["config", "show", "-t", "fc/x86_64"], in: scratch.url)
    #expect(result.status == 0, "\(result.output)")
    #expect(result.stdout.contains("plat-firecracker"))
    #expect(result.stdout.contains("CONFIG_LIBPLAT_FIRECRACKER=y"))
  }

  @Test func badOptionsAreReportedAtTheirLines() throws {
    let scratch = try Self.project(
      kconfig: """
        kconfig:
          CONFIG_ALLOC_BUDDY_MAX_ORDR: 20
        """)
    let result = try KraftProcess.run(["build"], in: scratch.url)
    #expect(result.status == 65)
    #expect(
      result.stderr.contains(
        "error: unknown option 'CONFIG_ALLOC_BUDDY_MAX_ORDR'; did you mean 'CONFIG_ALLOC_BUDDY_MAX_ORDER'?"))
    #expect(result.stderr.contains("Kraftfile:"))
  }

  @Test func dryRunPrintsThePlanAndBuildsNothing() throws {
    let scratch = try ScratchProject(copying: "examples/helloworld")
    let result = try KraftProcess.run(["build", "--dry-run", "-t", "qemu/x86_64"], in: scratch.url)
    #expect(result.status == 0, "\(result.output)")
    #expect(result.stdout.contains("CC app main.c"))
    #expect(result.stdout.contains("LD helloworld_qemu-x86_64.dbg"))
    #expect(!FileManager.default.fileExists(atPath: scratch.url.appendingPathComponent(".unikraft").path))
  }

  @Test func cleanRemovesOutputs() throws {
    let scratch = try ScratchProject(copying: "examples/helloworld")
    let output = scratch.url.appendingPathComponent(".unikraft/build")
    try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
    #expect(try KraftProcess.run(["clean"], in: scratch.url).status == 0)
    #expect(!FileManager.default.fileExists(atPath: output.path))
    #expect(try KraftProcess.run(["properclean"], in: scratch.url).status == 0)
    #expect(!FileManager.default.fileExists(atPath: scratch.url.appendingPathComponent(".unikraft").path))
  }
}
