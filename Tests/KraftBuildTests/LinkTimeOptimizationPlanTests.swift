import KraftBasics
import KraftManifest
import KraftModel
import Testing

@testable import KraftBuild

/// `lto: thin` (CPython's recipe): the library's own compiles, its program's included, make
/// ThinLTO bitcode; nothing else in the plan changes (the link reads bitcode as it is); a gcc
/// toolchain compiles the library plainly and says so; the recipe key is read and checked.
@Suite struct LinkTimeOptimizationPlanTests {
  static func plan(
    lto: LinkTimeOptimization?, sources: [String] = [], toolchain: Toolchain = BuildPlannerTests.toolchain
  ) throws -> TargetBuildPlan {
    try InterpreterPortPlan.plan(
      InterpreterPortPlan.port {
        $0.lto = lto
        $0.ltoSources = sources
      }, toolchain: toolchain)
  }

  static let gcc = Toolchain(
    family: .gcc, compiler: "/usr/bin/x86_64-linux-gnu-gcc", linker: "/usr/bin/x86_64-linux-gnu-ld",
    objcopy: "/usr/bin/x86_64-linux-gnu-objcopy", builtinIncludes: ["/usr/lib/gcc/include"])

  @Test func aThinPortsSourcesAndProgramCompileToBitcode() throws {
    let target = try Self.plan(lto: .thin)
    let own = target.compiles.filter { $0.library == "interp" }
    #expect(own.map(\.description) == ["CC interp core.c", "CC interp main.c"])
    for step in own {
      #expect(step.command.filter { $0 == "-flto=thin" }.count == 1, "\(step.description)")
      #expect(step.command.contains("-O2") && step.command.contains("-DINTERP"))
    }
    let others = target.compiles.filter { $0.library != "interp" }
    #expect(!others.isEmpty)
    #expect(others.allSatisfy { !$0.command.contains { $0.hasPrefix("-flto") } })
    #expect(target.resolution.warnings.isEmpty)
  }

  @Test func nothingButTheFlagDiffersAndTheLinkIsTheSame() throws {
    let plain = try Self.plan(lto: nil)
    let thin = try Self.plan(lto: .thin)
    #expect(plain.compiles.allSatisfy { !$0.command.contains("-flto=thin") })
    #expect(
      thin.compiles.map { $0.command.filter { $0 != "-flto=thin" } } == plain.compiles.map(\.command))
    #expect(thin.compiles.map(\.object) == plain.compiles.map(\.object))
    #expect(thin.link.command == plain.link.command)
    #expect(thin.link.command.first == "/tc/ld.lld")
  }

  /// The flag is part of every key that serves objects (ccache hashes the whole command; the
  /// prebuilt store, `PrebuiltKey`, the library's commands): bitcode never stands in for an
  /// ELF object or the other way round.
  @Test func theObjectsKeyOnIt() throws {
    func key(_ lto: LinkTimeOptimization?) throws -> String {
      try InterpreterPortPlan.prebuiltKey(
        of: Self.plan(lto: lto), files: ["/src/interp/core.c": "int core;", "/src/interp/main.c": ""])
    }
    #expect(try key(.thin) != key(nil))
  }

  @Test func aGccToolchainCompilesItPlainlyAndWarns() throws {
    let target = try Self.plan(lto: .thin, toolchain: Self.gcc)
    #expect(target.compiles.allSatisfy { !$0.command.contains { $0.hasPrefix("-flto") } })
    let warnings = target.resolution.warnings.filter { $0.severity == .warning }
    #expect(warnings.count == 1)
    let message = try #require(warnings.first).message
    #expect(message.contains("'interp'") && message.contains("lto: thin") && message.contains("ld.lld"))
    #expect(try Self.plan(lto: nil, toolchain: Self.gcc).resolution.warnings.isEmpty)
  }

  /// The warning points at the recipe's `lto:` key, not at the manifest's first line.
  @Test func theGccWarningPointsAtTheKey() throws {
    let parsed = try LibraryManifestParser().parse(
      "name: interp\ndescription: x\nlto:\n  mode: thin\n", file: "/x/port.yaml", directory: "/x")
    #expect(parsed.ltoLocation?.line == 3 && parsed.ltoLocation?.column == 1)
    let target = try InterpreterPortPlan.plan(
      InterpreterPortPlan.port {
        $0.lto = .thin
        $0.ltoLocation = parsed.ltoLocation
      }, toolchain: Self.gcc)
    let warning = try #require(target.resolution.warnings.first { $0.severity == .warning })
    #expect(warning.location == parsed.ltoLocation)
  }

  /// `lto: sources:` (a profile's hot files): only those compile to bitcode; a glob covers
  /// what it matches; an entry naming no compiled file is an error, not a silent no-op.
  @Test func onlyTheListedSourcesCompileToBitcode() throws {
    func bitcode(_ sources: [String]) throws -> [String] {
      try Self.plan(lto: .thin, sources: sources).compiles
        .filter { $0.command.contains("-flto=thin") }.map(\.description)
    }
    #expect(try bitcode(["core.c"]) == ["CC interp core.c"])
    #expect(try bitcode(["main.c"]) == ["CC interp main.c"])
    #expect(try bitcode(["*.c"]) == ["CC interp core.c", "CC interp main.c"])
    #expect {
      _ = try Self.plan(lto: .thin, sources: ["core.c", "Python/ceval.c"])
    } throws: { error in
      let messages = (error as? Diagnostics)?.items.map(\.message) ?? []
      return messages.count == 1 && messages[0].contains("'Python/ceval.c'")
        && messages[0].contains("'interp'")
    }
  }

  @Test func theRecipeKeyIsReadAndChecked() throws {
    let parser = LibraryManifestParser()
    let thin = try parser.parse("name: interp\nlto: thin\n", file: "/x/library.yaml", directory: "/x")
    #expect(thin.lto == .thin)
    let plain = try parser.parse("name: interp\n", file: "/x/library.yaml", directory: "/x")
    #expect(plain.lto == nil)
    let listed = try parser.parse(
      "name: interp\nlto: {mode: thin, sources: [core.c, 'Objects/*.c']}\n", file: "/x/library.yaml",
      directory: "/x")
    #expect(listed.lto == .thin && listed.ltoSources == ["core.c", "Objects/*.c"])
    for bad in [
      "lto: {sources: [core.c]}", "lto: {mode: thin, only: [core.c]}", "lto: {mode: thin, sources: []}",
    ] {
      #expect(throws: Diagnostics.self, "\(bad)") {
        _ = try parser.parse("name: interp\n" + bad + "\n", file: "/x/library.yaml", directory: "/x")
      }
    }
    #expect {
      _ = try parser.parse("name: interp\nlto: full\n", file: "/x/library.yaml", directory: "/x")
    } throws: { error in
      let items = (error as? Diagnostics)?.items
      let message = items?.first?.message ?? "\(error)"
      return message.contains("'full'") && message.contains("'thin'")
        && items?.first?.location?.line == 2
    }
  }
}
