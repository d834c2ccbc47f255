import KraftBasics
import KraftBuild
import KraftManifest
import KraftModel
import Testing

/// `hosted: true` (CPython's recipe): the library's own compiles, its program's included, go
/// without the kernel's `-ffreestanding -fno-builtin` and keep every other base flag, above all
/// the hermetic headers; the other libraries' compiles are unchanged.
@Suite struct HostedLibraryPlanTests {
  static func compiles(hosted: Bool) throws -> [CompileStep] {
    try InterpreterPortPlan.plan(InterpreterPortPlan.port { $0.hosted = hosted }).compiles
  }

  @Test func aHostedPortsSourcesAndProgramGoWithoutTheFreestandingFlags() throws {
    let compiles = try Self.compiles(hosted: true)
    let own = compiles.filter { $0.library == "interp" }
    #expect(own.map(\.description) == ["CC interp core.c", "CC interp main.c"])
    let kept = BuildPlanner.baseCFlags.filter { !BuildPlanner.freestandingCFlags.contains($0) }
    for step in own {
      #expect(!step.command.contains("-ffreestanding") && !step.command.contains("-fno-builtin"))
      #expect(kept.allSatisfy(step.command.contains), "\(step.description)")
      #expect(step.command.contains("-nostdinc") && step.command.contains("-DINTERP"))
      #expect(step.command.contains("-mno-red-zone"), "the architecture's global flags stay")
    }
    let kernel = try #require(compiles.first { $0.library == "kcore" })
    #expect(kernel.command.contains("-ffreestanding") && kernel.command.contains("-fno-builtin"))
  }

  @Test func aPortIsFreestandingUnlessItSaysOtherwise() throws {
    let compiles = try Self.compiles(hosted: false)
    let own = compiles.filter { $0.library == "interp" }
    #expect(own.count == 2)
    for step in own {
      #expect(step.command.contains("-ffreestanding") && step.command.contains("-fno-builtin"))
    }
    // Nothing else differs between the two plans: same steps, same other flags.
    let hosted = try Self.compiles(hosted: true)
    #expect(
      hosted.map { $0.command.filter { !BuildPlanner.freestandingCFlags.contains($0) } }
        == compiles.map { $0.command.filter { !BuildPlanner.freestandingCFlags.contains($0) } })
  }

  @Test func theRecipeKeyIsReadAndChecked() throws {
    let parser = LibraryManifestParser()
    let hosted = try parser.parse("name: interp\nhosted: true\n", file: "/x/library.yaml", directory: "/x")
    #expect(hosted.hosted)
    let plain = try parser.parse("name: interp\n", file: "/x/library.yaml", directory: "/x")
    #expect(!plain.hosted)
    #expect {
      _ = try parser.parse("name: interp\nhosted: yes please\n", file: "/x/library.yaml", directory: "/x")
    } throws: { error in
      let message = (error as? Diagnostics)?.items.first?.message ?? "\(error)"
      return message.contains("hosted") && message.contains("'true' or 'false'")
    }
  }
}
