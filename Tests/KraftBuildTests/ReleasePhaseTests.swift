import KraftBasics
import KraftManifest
import KraftModel
import Testing

@testable import KraftBuild

/// The release phases as values (`PreparedRelease` → `PlannedRelease`), driven by the project
/// builder over the in-memory project of `ProjectPipelineTests`: the toolchain pin is checked
/// and recorded only when asked, and a dry run records nothing.
@Suite struct ReleasePhaseTests {
  static let pinned = ReleaseToolchain(
    family: "clang", compiler: "clang version 20", linker: "LLD 20", objcopy: "llvm-objcopy 20")
  static let runner = AnsweringRunner(answers: [
    "/tc/clang --version": "clang version 21\n", "/tc/ld.lld --version": "LLD 21\n",
    "/tc/llvm-objcopy --version": "llvm-objcopy 21\n",
  ])

  static func project() throws -> ProjectBuild {
    let sources = RecordingPortSources(roots: ["widget": "/cache/widget-1.0"])
    let project = ProjectPipelineTests.project(sources)
    let entry = LockfileEntry(
      name: "widget", version: "1.0", kind: .archive, url: "https://example.org/w-1.0.tar.gz",
      pin: UpstreamPin(
        archiveSHA256: String(repeating: "a", count: 64),
        treeHash: "sha256:" + String(repeating: "b", count: 64)))
    try project.fileSystem.writeText(
      LockfileCodec.encode(Lockfile(entries: [entry])), to: "/w/p/" + LockfileCodec.fileName)
    try ReleaseLock(sourceDateEpoch: 1_700_000_000, toolchains: ["x86_64": pinned])
      .write(to: ReleaseLock.path(projectDirectory: "/w/p"), fileSystem: project.fileSystem)
    return project
  }

  static func builder(_ project: ProjectBuild, allowChange: Bool, dryRun: Bool = false) -> ProjectBuilder {
    ProjectBuilder(
      project: project,
      options: ProjectBuilder.Options(
        targets: [ProjectPipelineTests.target],
        release: ReleaseBuild.Request(
          kraftfilePath: "/w/p/Kraftfile", allowToolchainChange: allowChange, environment: [:],
          workingDirectory: "/w/p"),
        dryRun: dryRun),
      runner: runner)
  }

  static func pinnedCompiler(_ project: ProjectBuild) throws -> String? {
    try ReleaseLock.read(from: ReleaseLock.path(projectDirectory: "/w/p"), fileSystem: project.fileSystem)?
      .toolchains["x86_64"]?.compiler
  }

  @Test func aToolchainOtherThanThePinnedOneIsRefused() throws {
    let project = try Self.project()
    let error = #expect(throws: ReleaseError.self) { try Self.builder(project, allowChange: false).plan() }
    #expect(error?.kind == .verificationFailed)
    #expect(error?.message.contains("--allow-toolchain-change") == true)
    #expect(try Self.pinnedCompiler(project) == "clang version 20")
  }

  @Test func anAllowedChangeIsRecordedAndThePlanIsTheReproducibleOne() throws {
    let project = try Self.project()
    let planned = try Self.builder(project, allowChange: true).plan()
    let release = try #require(planned.release)
    #expect(release.recordedLock == "/w/p/Kraftfile.release.lock")
    #expect(try Self.pinnedCompiler(project) == "clang version 21")
    #expect(release.toolchains["x86_64"]?.linker == "LLD 21")
    #expect(release.environment["SOURCE_DATE_EPOCH"] == "1700000000")
    #expect(planned.plan == release.plan)
  }

  @Test func aDryRunRecordsNothing() throws {
    let project = try Self.project()
    let planned = try Self.builder(project, allowChange: true, dryRun: true).plan()
    #expect(planned.release?.recordedLock == nil)
    #expect(try Self.pinnedCompiler(project) == "clang version 20")
  }
}
