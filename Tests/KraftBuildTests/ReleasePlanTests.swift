import KraftBasics
import KraftModel
import Testing

@testable import KraftBuild

/// The reproducible plan: path maps on every compilation, objects in sorted order within each
/// library and the link following that order.
@Suite struct ReleasePlanTests {
  static let toolchain = Toolchain(
    family: .clang, compiler: "/opt/tc/bin/clang", linker: "/opt/tc/bin/ld.lld",
    objcopy: "/opt/tc/bin/llvm-objcopy")

  static func compile(_ library: String, _ source: String) -> CompileStep {
    let object = "/p/.unikraft/build/qemu-x86_64/obj/\(library)/\(source).o"
    return CompileStep(
      library: library, source: "/src/\(library)/\(source)", object: object,
      command: ["/opt/tc/bin/clang", "-O2", "-c", "/src/\(library)/\(source)", "-o", object],
      description: "CC \(library) \(source)")
  }

  /// A plan whose sources came in an unsorted order, as a Makefile.uk may list them.
  static func target() -> TargetBuildPlan {
    let compiles = [
      compile("kcore", "z.c"), compile("kcore", "a.c"), compile("app", "main.c"), compile("app", "b.c"),
    ]
    let objects = compiles.map(\.object)
    let link = Step(
      inputs: objects + ["/k/link.lds"], outputs: ["/p/img.dbg", "/p/img.map"],
      command: ["/opt/tc/bin/ld.lld", "-T", "/k/link.lds", "-o", "/p/img.dbg"] + objects,
      description: "LD img.dbg")
    let strip = Step(
      inputs: ["/p/img.dbg"], outputs: ["/p/img"],
      command: ["/opt/tc/bin/llvm-objcopy", "--strip-all", "/p/img.dbg", "/p/img"],
      description: "STRIP img")
    return TargetBuildPlan(
      target: Target(platform: .qemu, architecture: .x86_64), directory: "/p/.unikraft/build/qemu-x86_64",
      resolution: OptionResolution(libraries: [], options: []), toolchain: toolchain,
      compiles: compiles, link: link, strip: strip, image: "/p/img", debugImage: "/p/img.dbg",
      mapFile: "/p/img.map", reportFile: "/p/img.report")
  }

  static let mappings = ReproducibleBuildPlan.mappings(
    projectDirectory: "/home/u/hello", outputDirectory: "/home/u/hello/.unikraft/build",
    kernel: KernelTree(kernelDirectory: "/home/u/kraft/Kernel", portsDirectory: "/home/u/kraft/Ports"),
    portRoots: [(name: "musl", root: "/cache/trees/sha256-ab")], toolchain: toolchain,
    workingDirectory: "/somewhere")

  @Test func everyFolderGetsAFixedNameAndTheMostSpecificMapComesLast() {
    let flags = ReproducibleBuildPlan(mappings: Self.mappings, family: .clang).compileFlags
    #expect(
      flags == [
        "-ffile-prefix-map=/opt/tc=/kraft/toolchain",
        "-ffile-prefix-map=/home/u/hello=/kraft/app",
        "-ffile-prefix-map=/home/u/kraft/Ports=/kraft/Ports",
        "-ffile-prefix-map=/home/u/kraft/Kernel=/kraft/Kernel",
        "-ffile-prefix-map=/cache/trees/sha256-ab=/kraft/src/musl",
        "-ffile-compilation-dir=/kraft/app",
      ])
    // clang needs no map of the folder kraft runs in: the compilation folder is fixed.
    #expect(!flags.contains { $0.contains("/somewhere") })
  }

  @Test func gccMapsTheWorkingFolderInstead() {
    var gcc = Self.toolchain
    gcc.family = .gcc
    let mappings = ReproducibleBuildPlan.mappings(
      projectDirectory: "/p", outputDirectory: "/elsewhere/out",
      kernel: KernelTree(kernelDirectory: "/k/Kernel"), portRoots: [], toolchain: gcc,
      workingDirectory: "/somewhere")
    let flags = ReproducibleBuildPlan(mappings: mappings, family: .gcc).compileFlags
    #expect(flags.contains("-ffile-prefix-map=/somewhere=/kraft/app"))
    #expect(flags.contains("-ffile-prefix-map=/elsewhere/out=/kraft/out"))
    #expect(!flags.contains { $0.hasPrefix("-ffile-compilation-dir") })
  }

  @Test func objectsAreSortedWithinEachLibraryAndTheLinkFollows() {
    let plan = ReproducibleBuildPlan(mappings: Self.mappings, family: .clang).apply(to: Self.target())
    #expect(
      plan.compiles.map(\.description) == ["CC kcore a.c", "CC kcore z.c", "CC app b.c", "CC app main.c"])
    let objects = plan.compiles.map(\.object)
    #expect(Array(plan.link.command.suffix(4)) == objects)
    #expect(plan.link.inputs == objects + ["/k/link.lds"])
    #expect(plan.link.command.contains("--build-id=none"))
    // The program stays first, the maps follow it, the original flags are kept.
    let first = plan.compiles[0].command
    #expect(first[0] == "/opt/tc/bin/clang")
    #expect(first[1].hasPrefix("-ffile-prefix-map="))
    #expect(first.suffix(5) == ["-O2", "-c", "/src/kcore/a.c", "-o", objects[0]])
  }

  @Test func applyingTwiceOrToAnyOrderGivesTheSamePlan() {
    let reproducible = ReproducibleBuildPlan(mappings: Self.mappings, family: .clang)
    var shuffled = Self.target()
    shuffled.compiles.reverse()
    let objects = shuffled.compiles.map(\.object)
    shuffled.link.command = Array(shuffled.link.command.dropLast(4)) + objects
    let a = reproducible.apply(to: Self.target())
    let b = reproducible.apply(to: shuffled)
    #expect(a.compiles.filter { $0.library == "kcore" } == b.compiles.filter { $0.library == "kcore" })
    #expect(
      a.link.command.filter { $0.contains("/kcore/") } == b.link.command.filter { $0.contains("/kcore/") })
  }
}
