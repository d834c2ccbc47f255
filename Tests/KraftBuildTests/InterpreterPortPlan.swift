import KraftBasics
import KraftBuild
import KraftManifest
import KraftModel
import Testing

/// A port shaped like CPython's recipe (its own sources and a `program:`), planned alone for
/// qemu/x86_64: the fixture of the tests of per-library compile switches (`hosted:`, `lto:`).
enum InterpreterPortPlan {
  /// The port `interp` (`core.c`, program `main.c`, `-DINTERP`), as `change` leaves it.
  static func port(_ change: (inout LibraryManifest) -> Void) -> LibraryManifest {
    var port = LibraryManifest(
      name: "interp", kind: .port, sources: [LibraryFile("core.c")], cflags: ["-DINTERP"],
      directory: "/ports/interp")
    port.program = [LibraryFile("main.c")]
    change(&port)
    return port
  }

  /// The plan of a project using `port`, built by `toolchain`.
  static func plan(_ port: LibraryManifest, toolchain: Toolchain = BuildPlannerTests.toolchain) throws
    -> TargetBuildPlan
  {
    let files = BuildPlannerTests.files.merging([
      "/p/Kraftfile": "", "/src/interp/core.c": "", "/src/interp/main.c": "",
    ]) { $1 }
    let target = Target(platform: .qemu, architecture: .x86_64)
    let request = BuildRequest(
      kraftfile: Kraftfile(
        name: "demo", directory: "/p", libraries: [Component(name: port.name)], targets: [target]),
      projectName: "demo", outputDirectory: "/p/.unikraft/build", targets: [target],
      catalog: BuildPlannerTests.catalog + [port], sourceRoots: ["interp": "/src/interp"])
    let plan = try BuildPlanner(
      fileSystem: InMemoryFileSystem(files: files), toolchains: { _ in toolchain }
    ).plan(request)
    return try #require(plan.targets.first)
  }
}
