import KraftBasics
import KraftBuild
import KraftModel
import Testing

/// A port providing `program` (Redis's server.c holds main) is the image's program: the project
/// then has no sources of its own, and sources it has anyway are refused by name.
/// (A plain library here: ports need a fetched tree to be planned; the rule is the same.)
@Suite struct ProgramPortPlanTests {
  static let server = LibraryManifest(
    name: "server", provides: ["program"], sources: [LibraryFile("server.c")],
    directory: "/ports/server")

  static func plan(app: [String: String]) throws -> TargetBuildPlan {
    let files = BuildPlannerTests.files.merging(app) { $1 }.merging(["/ports/server/server.c": ""]) { $1 }
    let target = Target(platform: .qemu, architecture: .x86_64)
    let request = BuildRequest(
      kraftfile: Kraftfile(
        name: "demo", directory: "/p", targets: [target],
        kconfig: [KConfigAssignment(name: "CONFIG_LIBSERVER", value: "y")]),
      projectName: "demo", outputDirectory: "/p/.unikraft/build", targets: [target],
      catalog: BuildPlannerTests.catalog + [server], commonIncludes: ["/k/include"])
    let plan = try BuildPlanner(
      fileSystem: InMemoryFileSystem(files: files), toolchains: { _ in BuildPlannerTests.toolchain }
    ).plan(request)
    return try #require(plan.targets.first)
  }

  @Test func theProgramPortNeedsNoAppSources() throws {
    let plan = try Self.plan(app: ["/p/Kraftfile": ""])
    #expect(plan.compiles.map(\.description).contains("CC server server.c"))
    #expect(!plan.compiles.contains { $0.library == "app" })
  }

  @Test func appSourcesBesideAProgramPortAreRefusedByName() {
    #expect {
      try Self.plan(app: ["/p/main.c": ""])
    } throws: { error in
      let message = (error as? Diagnostics)?.items.first?.message ?? ""
      return message.contains("'server' is the image's program") && message.contains("'/p/main.c'")
    }
  }
}
