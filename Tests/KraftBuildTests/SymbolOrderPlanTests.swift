import KraftBasics
import KraftBuild
import KraftManifest
import KraftModel
import Testing

/// `symbol-order:` (CPython's recipe): the link lays the named functions out first, in the
/// file's order (ld.lld's `--symbol-ordering-file`), and relinks when the file changes; an
/// image takes one such file, and a gcc toolchain's GNU ld goes without it.
@Suite struct SymbolOrderPlanTests {
  static func port(_ name: String, order: String?) -> LibraryManifest {
    var port = LibraryManifest(
      name: name, kind: .port, sources: [LibraryFile("core.c")], directory: "/ports/\(name)")
    port.symbolOrder = order.map { LibraryFile($0, base: .manifest) }
    return port
  }

  static func link(
    _ ports: [LibraryManifest], toolchain: Toolchain = BuildPlannerTests.toolchain
  ) throws -> Step {
    var files = BuildPlannerTests.files.merging(["/p/Kraftfile": "", "/p/main.c": ""]) { $1 }
    for port in ports { files["/src/\(port.name)/core.c"] = "" }
    let target = Target(platform: .qemu, architecture: .x86_64)
    let request = BuildRequest(
      kraftfile: Kraftfile(
        name: "demo", directory: "/p", libraries: ports.map { Component(name: $0.name) },
        targets: [target]),
      projectName: "demo", outputDirectory: "/p/.unikraft/build", targets: [target],
      catalog: BuildPlannerTests.catalog + ports,
      sourceRoots: Dictionary(uniqueKeysWithValues: ports.map { ($0.name, "/src/\($0.name)") }))
    let plan = try BuildPlanner(
      fileSystem: InMemoryFileSystem(files: files), toolchains: { _ in toolchain }
    ).plan(request)
    return try #require(plan.targets.first).link
  }

  @Test func theLinkTakesThePortsOrderAndDependsOnIt() throws {
    let link = try Self.link([Self.port("interp", order: "symbol-order.txt")])
    let path = "/ports/interp/symbol-order.txt"
    #expect(link.command.contains("--symbol-ordering-file=" + path))
    #expect(link.command.contains("--no-warn-symbol-ordering"))
    #expect(link.inputs.contains(path), "a changed order relinks")
  }

  @Test func withoutAnOrderTheLinkIsUnchanged() throws {
    let link = try Self.link([Self.port("interp", order: nil)])
    #expect(!link.command.contains { $0.hasPrefix("--symbol-ordering-file") })
    #expect(!link.command.contains("--no-warn-symbol-ordering"))
  }

  @Test func twoOrdersInOneImageAreAnError() throws {
    #expect {
      _ = try Self.link([Self.port("one", order: "a.txt"), Self.port("two", order: "b.txt")])
    } throws: { error in
      let message = (error as? Diagnostics)?.items.first?.message ?? "\(error)"
      return message.contains("symbol-order") && message.contains("/ports/one/a.txt")
        && message.contains("/ports/two/b.txt")
    }
  }

  @Test func gnuLdGoesWithoutTheOrder() throws {
    let gcc = Toolchain(
      family: .gcc, compiler: "/usr/bin/gcc", linker: "/usr/bin/x86_64-linux-gnu-ld",
      objcopy: "/usr/bin/x86_64-linux-gnu-objcopy", builtinIncludes: ["/usr/lib/gcc/include"])
    let link = try Self.link([Self.port("interp", order: "symbol-order.txt")], toolchain: gcc)
    #expect(!link.command.contains { $0.hasPrefix("--symbol-ordering-file") })
    #expect(!link.inputs.contains("/ports/interp/symbol-order.txt"))
  }

  @Test func gccLinkingWithLldKeepsTheOrder() throws {
    // The detector falls back to ld.lld when no GNU ld for the architecture is installed.
    let present: Set<String> = ["/tc/aarch64-linux-gnu-gcc", "/tc/ld.lld", "/tc/llvm-objcopy"]
    let locator = ExecutableLocator(searchPath: ["/tc"], isExecutable: { present.contains($0) })
    let runner = AnsweringRunner(answers: [
      "/tc/aarch64-linux-gnu-gcc -print-file-name=include": "/tc/lib/gcc/include\n"
    ])
    let gcc = try ToolchainDetector(
      locator: locator, builtinHeaders: BuiltinHeaderLocator(runner: runner)
    ).detect(preferred: "gcc", for: .arm64)
    #expect(gcc.linkerFlavor == .lld)
    let link = try Self.link([Self.port("interp", order: "symbol-order.txt")], toolchain: gcc)
    #expect(link.command.contains("--symbol-ordering-file=/ports/interp/symbol-order.txt"))
  }

  @Test func theRecipeKeyIsRead() throws {
    let parser = LibraryManifestParser()
    let manifest = try parser.parse(
      "name: interp\nsymbol-order: {path: order.txt, from: port}\n", file: "/x/port.yaml",
      directory: "/x")
    #expect(manifest.symbolOrder?.path == "order.txt")
    #expect(manifest.symbolOrder?.base == .manifest)
    let plain = try parser.parse("name: interp\n", file: "/x/port.yaml", directory: "/x")
    #expect(plain.symbolOrder == nil)
  }
}
