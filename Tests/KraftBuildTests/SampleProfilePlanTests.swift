import KraftBasics
import KraftManifest
import KraftModel
import Testing

@testable import KraftBuild

/// `sample-profile:` (CPython's recipe): the library's own compiles, its program's included,
/// read the profile; the file is an input of each (ninja, the prebuilt store) so a changed
/// profile recompiles; a gcc toolchain compiles plainly and says where; the key is parsed.
@Suite struct SampleProfilePlanTests {
  static let profile = LibraryFile(
    "python.prof", base: .manifest,
    location: SourceLocation(file: "/ports/interp/port.yaml", line: 7, column: 17))

  static func plan(
    _ profile: LibraryFile? = Self.profile, toolchain: Toolchain = BuildPlannerTests.toolchain
  ) throws -> TargetBuildPlan {
    try InterpreterPortPlan.plan(
      InterpreterPortPlan.port { $0.sampleProfile = profile }, toolchain: toolchain)
  }

  static let flag = "-fprofile-sample-use=/ports/interp/python.prof"

  @Test func thePortsSourcesAndProgramReadTheProfile() throws {
    let target = try Self.plan()
    let own = target.compiles.filter { $0.library == "interp" }
    #expect(own.map(\.description) == ["CC interp core.c", "CC interp main.c"])
    for step in own {
      #expect(step.command.filter { $0 == Self.flag }.count == 1, "\(step.description)")
      #expect(step.implicitInputs == ["/ports/interp/python.prof"])
      // Before the library's own flags, which may tune it.
      let at = try #require(step.command.firstIndex(of: Self.flag))
      #expect(at < (step.command.firstIndex(of: "-DINTERP") ?? -1))
    }
    let others = target.compiles.filter { $0.library != "interp" }
    #expect(!others.isEmpty)
    #expect(
      others.allSatisfy { !$0.command.contains { $0.hasPrefix("-fprofile") } && $0.implicitInputs.isEmpty })
    #expect(target.resolution.warnings.isEmpty)
  }

  @Test func nothingElseDiffers() throws {
    let plain = try Self.plan(nil)
    let profiled = try Self.plan()
    #expect(profiled.compiles.map { $0.command.filter { $0 != Self.flag } } == plain.compiles.map(\.command))
    #expect(profiled.link.command == plain.link.command)
  }

  /// An entry for other architectures applies to none of this image's compiles.
  @Test func anEntryForAnotherArchitectureIsLeftOut() throws {
    var arm = Self.profile
    arm.architectures = [.arm64]
    #expect(try Self.plan(arm).compiles.allSatisfy { !$0.command.contains(Self.flag) })
  }

  /// ninja recompiles when the profile changes (clang's depfile does not name it), and the
  /// prebuilt store keys on its content (ccache 4.7 hashes it itself: checked by hand).
  @Test func aChangedProfileRecompiles() throws {
    let target = try Self.plan()
    let ninja = NinjaFile.target(target)
    let edges = ninja.split(separator: "\n").filter {
      $0.hasPrefix("build ") && $0.contains(": compile_") && $0.contains("/interp/")
    }
    #expect(edges.count == 2)
    #expect(edges.allSatisfy { $0.hasSuffix(".c | /ports/interp/python.prof") })
    #expect(
      !ninja.split(separator: "\n").contains {
        $0.contains(": compile_") && $0.contains("/kcore/") && $0.contains(" | ")
      })
    func key(_ profileText: String) throws -> String {
      try InterpreterPortPlan.prebuiltKey(
        of: target,
        files: [
          "/src/interp/core.c": "int core;", "/src/interp/main.c": "",
          "/ports/interp/python.prof": profileText,
        ])
    }
    #expect(try key("f:10:1\n 0: 10\n") != key("g:10:1\n 0: 10\n"))
    #expect(try key("f:10:1\n 0: 10\n") == key("f:10:1\n 0: 10\n"))
  }

  @Test func aGccToolchainCompilesWithoutItAndWarnsAtTheKey() throws {
    let target = try Self.plan(toolchain: LinkTimeOptimizationPlanTests.gcc)
    #expect(
      target.compiles.allSatisfy {
        !$0.command.contains { $0.hasPrefix("-fprofile") } && $0.implicitInputs.isEmpty
      })
    let warnings = target.resolution.warnings.filter { $0.severity == .warning }
    #expect(warnings.count == 1)
    let warning = try #require(warnings.first)
    #expect(
      warning.message.contains("'interp'") && warning.message.contains("python.prof")
        && warning.message.contains("clang"))
    #expect(warning.location?.line == 7)
    #expect(try Self.plan(nil, toolchain: LinkTimeOptimizationPlanTests.gcc).resolution.warnings.isEmpty)
  }

  @Test func theRecipeKeyIsRead() throws {
    let parser = LibraryManifestParser()
    let text = "name: interp\ndescription: x\nsample-profile: {path: python.prof, from: port}\n"
    let parsed = try parser.parse(text, file: "/x/port.yaml", directory: "/x")
    let profile = try #require(parsed.sampleProfile)
    #expect(profile.path == "python.prof" && profile.base == .manifest && profile.location?.line == 3)
    let plain = try parser.parse(
      "name: interp\nsample-profile: p.prof\n", file: "/x/library.yaml", directory: "/x")
    #expect(plain.sampleProfile?.path == "p.prof" && plain.sampleProfile?.base == .sourceRoot)
    #expect(try parser.parse("name: interp\n", file: "/x/library.yaml", directory: "/x").sampleProfile == nil)
    #expect(throws: Diagnostics.self) {
      _ = try parser.parse(
        "name: interp\nsample-profile: {file: p.prof}\n", file: "/x/library.yaml", directory: "/x")
    }
  }
}
