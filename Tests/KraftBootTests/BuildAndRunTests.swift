import Foundation
import KraftTestSupport
import Testing

/// A project built once per test run and shared by the tests that boot it: compiling a kernel
/// is the slow part, booting under TCG takes a fraction of a second.
final class BuiltProject: @unchecked Sendable {
  let scratch: ScratchProject
  let build: KraftProcess.Result

  init(copying source: String) throws {
    scratch = try ScratchProject(copying: source)
    build = try KraftProcess.run(["build"], in: scratch.url)
  }

  static let helloworld = SharedFixture { try BuiltProject(copying: "examples/helloworld") }
  static let exit3 = SharedFixture { try BuiltProject(copying: "Tests/Images/exit3") }
}

@Suite(.tags(.slow), .slowTier) struct HelloworldBootTests {
  @Test(arguments: ["qemu/x86_64", "fc/x86_64"])
  func printsTheGreetingAndExitsZero(target: String) async throws {
    let project = try await BuiltProject.helloworld.value
    #expect(project.build.status == 0, "kraft build failed:\n\(project.build.output)")
    let image = target == "qemu/x86_64" ? "helloworld_qemu-x86_64" : "helloworld_fc-x86_64"
    let output = project.scratch.url.appendingPathComponent(".unikraft/build/\(image)")
    #expect(FileManager.default.fileExists(atPath: output.path))
    #expect(FileManager.default.fileExists(atPath: output.path + ".dbg"))
    #expect(FileManager.default.fileExists(atPath: output.path + ".map"))

    let run = try KraftProcess.run(["run", "-t", target, "--timeout", "60"], in: project.scratch.url)
    #expect(run.status == 0, "kraft run:\n\(run.output)")
    #expect(run.stdout.contains("Hello, world!"))
    // The serial console carries the app's output, not the firmware's.
    #expect(!run.stdout.contains("SeaBIOS"))
  }

  @Test(arguments: ["qemu/x86_64", "fc/x86_64"])
  func applicationStatusBecomesKraftRunsStatus(target: String) async throws {
    let project = try await BuiltProject.exit3.value
    #expect(project.build.status == 0, "kraft build failed:\n\(project.build.output)")
    let run = try KraftProcess.run(["run", "-t", target, "--timeout", "60"], in: project.scratch.url)
    #expect(run.stdout.contains("exiting with 3"))
    #expect(run.status == 3, "kraft run:\n\(run.output)")
  }

  @Test func unikraftMakefileUkAppBuildsUnchanged() throws {
    let scratch = try ScratchProject(copying: "Tests/Images/makefile-uk")
    let build = try KraftProcess.run(["build"], in: scratch.url)
    #expect(build.status == 0, "kraft build:\n\(build.output)")
    let run = try KraftProcess.run(["run", "--timeout", "60"], in: scratch.url)
    #expect(run.status == 0, "kraft run:\n\(run.output)")
    #expect(run.stdout.contains("hello from Makefile.uk"))
  }

  @Test func applicationArgumentsComeFromCmdOrAfterTheSeparator() throws {
    let scratch = try ScratchProject(copying: "Tests/Images/args")
    let build = try KraftProcess.run(["build"], in: scratch.url)
    #expect(build.status == 0, "kraft build:\n\(build.output)")
    let fromKraftfile = try KraftProcess.run(["run", "--timeout", "60"], in: scratch.url)
    #expect(fromKraftfile.stdout.contains("arg 1: from-kraftfile"))
    #expect(fromKraftfile.status == 1)
    let explicit = try KraftProcess.run(
      ["run", "--timeout", "60", "--", "one", "two words"], in: scratch.url)
    #expect(explicit.stdout.contains("arg 1: one\narg 2: two words\n"))
    #expect(!explicit.stdout.contains("from-kraftfile"))
    #expect(explicit.status == 2)
  }

  @Test func runBeforeBuildSaysToBuild() throws {
    let scratch = try ScratchProject(copying: "examples/helloworld")
    let run = try KraftProcess.run(["run"], in: scratch.url)
    #expect(run.status == 66)
    #expect(run.stderr.contains("run 'kraft build' first"))
  }
}

/// Incremental builds through the command line, on their own copy (the boot tests must not
/// see images being rewritten under them).
@Suite(.tags(.slow), .slowTier) struct IncrementalCommandTests {
  @Test func noOpRebuildCompilesNothingAndTouchingMainRecompilesOne() throws {
    let scratch = try ScratchProject(copying: "examples/helloworld")
    let first = try KraftProcess.run(["build", "-t", "qemu/x86_64"], in: scratch.url)
    #expect(first.status == 0, "\(first.output)")
    // The kernel libraries may come whole from the prebuilt store (a warm compile cache).
    #expect((Self.compiled(first.stdout) ?? 0) + CompileCacheBuildTests.reused(first.stdout) > 10)

    let second = try KraftProcess.run(["build", "-t", "qemu/x86_64"], in: scratch.url)
    #expect(second.status == 0)
    #expect(second.stdout.contains("nothing to do"))
    #expect(!second.stdout.contains("CC "))

    let main = scratch.url.appendingPathComponent("main.c")
    try FileManager.default.setAttributes(
      [.modificationDate: Date().addingTimeInterval(5)], ofItemAtPath: main.path)
    let third = try KraftProcess.run(["build", "-t", "qemu/x86_64"], in: scratch.url)
    #expect(third.status == 0)
    #expect(Self.compiled(third.stdout) == 1)
    #expect(
      third.stdout.split(separator: "\n").filter { $0.contains("] CC ") || $0.contains("] AS ") }
        == ["[1/3] CC app main.c"])
  }

  @Test func compileErrorShowsTheFileAndTheCompilerMessage() throws {
    let scratch = try ScratchProject(copying: "examples/helloworld")
    try "int main(void) { return 0 }\n".write(
      to: scratch.url.appendingPathComponent("main.c"), atomically: true, encoding: .utf8)
    let result = try KraftProcess.run(["build", "-t", "qemu/x86_64"], in: scratch.url)
    #expect(result.status == 1)
    #expect(result.stderr.contains("compiling '"))
    #expect(result.stderr.contains("main.c' (library 'app') failed"))
    #expect(result.stderr.contains("expected ';'"))
  }

  /// "compiled N files" from kraft build's summary.
  static func compiled(_ output: String) -> Int? {
    guard let range = output.range(of: "compiled ") else { return nil }
    return Int(output[range.upperBound...].prefix { $0.isNumber })
  }
}
