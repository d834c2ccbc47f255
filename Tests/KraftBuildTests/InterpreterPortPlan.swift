import KraftBasics
import KraftBuild
import KraftManifest
import KraftModel
import Testing

/// A port shaped like CPython's recipe (its own sources and a `program:`), planned alone for
/// qemu/x86_64: the fixture of the tests of per-library compile switches (`hosted:`, `lto:`,
/// `sample-profile:`).
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

  /// The prebuilt store's key of `interp`'s compiles in `plan`, its sources read from `files`.
  static func prebuiltKey(of plan: TargetBuildPlan, files: [String: String]) throws -> String {
    var keying = PrebuiltKey(
      fileSystem: InMemoryFileSystem(files: files), verifiedTrees: ["/src/interp": "tree sha256:1"],
      outputDirectory: "/p/.unikraft/build", projectDirectory: "/p")
    return try keying.key(
      of: plan.compiles.filter { $0.library == "interp" }, library: "interp",
      objectFolder: "/p/.unikraft/build/qemu-x86_64", compiler: "clang 21", environment: [:])
  }
}
