import KraftBasics
import KraftBuild
import KraftManifest
import KraftModel
import Testing

/// A port's `program:` (nginx's main) is the image's application when, and only when, the
/// project has no sources of its own.
@Suite struct PortProgramPlanTests {
  static func server(_ name: String) -> LibraryManifest {
    var port = LibraryManifest(
      name: name, sources: [LibraryFile("core.c")], cflags: ["-DSERVER"], directory: "/ports/\(name)")
    port.program = [LibraryFile("main.c")]
    return port
  }

  static func plan(app: [String: String], ports: [LibraryManifest]) throws -> [CompileStep] {
    var files = BuildPlannerTests.files.merging(app) { $1 }
    for port in ports {
      files[port.directory + "/core.c"] = ""
      files[port.directory + "/main.c"] = ""
    }
    let fileSystem = InMemoryFileSystem(files: files)
    let target = Target(platform: .qemu, architecture: .x86_64)
    let request = BuildRequest(
      kraftfile: Kraftfile(
        name: "demo", directory: "/p", libraries: ports.map { Component(name: $0.name) }, targets: [target]),
      projectName: "demo", outputDirectory: "/p/.unikraft/build", targets: [target],
      catalog: BuildPlannerTests.catalog + ports)
    let plan = try BuildPlanner(fileSystem: fileSystem, toolchains: { _ in BuildPlannerTests.toolchain })
      .plan(request)
    return try #require(plan.targets.first).compiles
  }

  @Test func aProjectWithoutSourcesRunsThePortsProgramWithThePortsFlags() throws {
    let compiles = try Self.plan(app: ["/p/Kraftfile": ""], ports: [Self.server("nginx")])
    let descriptions = compiles.map(\.description)
    #expect(descriptions.contains("CC nginx core.c") && descriptions.last == "CC nginx main.c")
    #expect(!descriptions.contains { $0.hasPrefix("CC app ") })
    let main = try #require(compiles.last)
    #expect(main.command.contains("-DSERVER") && main.command.contains("-std=c11"))
  }

  @Test func theProjectsOwnSourcesWinOverThePortsProgram() throws {
    let compiles = try Self.plan(app: ["/p/main.c": ""], ports: [Self.server("nginx")])
    let descriptions = compiles.map(\.description)
    #expect(descriptions.contains("CC nginx core.c") && !descriptions.contains("CC nginx main.c"))
    #expect(descriptions.last == "CC app main.c")
  }

  @Test func twoProgramsAndNoSourcesNameBoth() {
    #expect {
      _ = try Self.plan(app: ["/p/Kraftfile": ""], ports: [Self.server("nginx"), Self.server("redis")])
    } throws: { error in
      (error as? Diagnostics)?.items.first?.message.contains("'nginx' and 'redis' each declare a program")
        == true
    }
  }

  @Test func theRecipeKeyIsRead() throws {
    let manifest = try LibraryManifestParser().parse(
      "name: server\nsources: [core.c]\nprogram:\n  - src/main.c\n", file: "/x/library.yaml", directory: "/x")
    #expect(manifest.program.map(\.path) == ["src/main.c"])
  }
}
