import Foundation
import KraftTestSupport
import Testing

/// The python3 port on qemu/arm64, and `kraft port add python3` on a fresh `kraft init`
/// project (built for both architectures), from the shared `PythonProject`.
@Suite(.tags(.slow), .slowTier) struct PythonArm64BootTests {
  func fresh() async throws -> PythonProject {
    let built = try await PythonProject.shared.value
    let portAdd = try #require(built.portAdd, "kraft init:\n\(built.freshInit?.output ?? "")")
    try #require(portAdd.status == 0, "kraft port add python3:\n\(portAdd.output)")
    return built
  }

  @Test func portAddOnAFreshProjectMakesPythonTheProgram() async throws {
    let built = try await fresh()
    let output = try #require(built.portAdd).stdout
    #expect(output.contains("added python3 3.11.2"), "\(output)")
    #expect(output.contains("removed 'main.c'"), "\(output)")
    #expect(!FileManager.default.fileExists(atPath: built.fresh.appendingPathComponent("main.c").path))
    let kraftfile = try String(
      contentsOf: built.fresh.appendingPathComponent("Kraftfile"), encoding: .utf8)
    #expect(kraftfile.contains("rootfs: ./rootfs\ncmd: [\"/app/main.py\"]\n"), "\(kraftfile)")
    #expect(
      FileManager.default.fileExists(
        atPath: built.fresh.appendingPathComponent("rootfs/app/main.py").path))
  }

  @Test func theScriptRunsOnArm64() async throws {
    let built = try await fresh()
    let build = try #require(built.arm64Build)
    try #require(build.status == 0, "kraft build -t qemu/arm64:\n\(build.output)")
    print("python3 arm64 image built in \(Int(built.arm64BuildSeconds)) s")
    let run = try #require(built.arm64Runs["script"])
    #expect(run.status == 0, "\(run.output)")
    #expect(run.stdout.contains("Hello from Python 3.11.2 on linux!"), "\(run.output)")
  }

  @Test func theScriptRunsOnX86_64FromTheCompileCache() async throws {
    let built = try await fresh()
    let build = try #require(built.freshX86Build)
    try #require(build.status == 0, "kraft build -t qemu/x86_64:\n\(build.output)")
    print("the fresh project's x86_64 image built in \(Int(built.freshX86BuildSeconds)) s")
    let run = try #require(built.freshX86Run)
    #expect(run.status == 0, "\(run.output)")
    #expect(run.stdout.contains("Hello from Python 3.11.2 on linux!"), "\(run.output)")
  }

  @Test func threadsTimeFilesAndBuiltInModulesWorkOnArm64() async throws {
    let built = try await fresh()
    try #require(built.arm64Build?.status == 0, "\(built.arm64Build?.output ?? "")")
    let run = try #require(built.arm64Runs["checks"])
    #expect(run.status == 0, "\(run.output)")
    #expect(run.stdout.contains("all checks passed"), "\(run.output)")
  }

  @Test func cpythonsRegressionTestsPassOnArm64() async throws {
    let built = try await fresh()
    try #require(built.arm64Build?.status == 0, "\(built.arm64Build?.output ?? "")")
    let run = try #require(built.arm64Runs["regression"])
    print(run.stdout)
    let count = PythonProject.arm64RegressionTests.count
    #expect(run.status == 0, "\(run.output)")
    #expect(run.stdout.contains("Tests result: SUCCESS"), "\(run.output)")
    #expect(
      run.stdout.contains("All \(count) tests OK") || run.stdout.contains("\(count) tests OK"),
      "\(run.output)")
  }
}
