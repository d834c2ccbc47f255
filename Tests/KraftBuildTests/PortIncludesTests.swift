import KraftBasics
import KraftBuild
import KraftModel
import Testing

/// A port is compiled against the include folders of what it requires (and the kernel's
/// common, architecture and platform folders), not of everything else in the image, so its
/// commands stay the same in images that add unrelated libraries.
@Suite struct PortIncludesTests {
  static let catalog =
    PortOptionFlagsTests.catalog + [
      LibraryManifest(
        name: "netdev", requires: ["kcore"], sources: [LibraryFile("netdev.c")],
        includes: [LibraryFile("include")], directory: "/k/netdev"),
      LibraryManifest(
        name: "shim", kind: .port, provides: ["libshim"], includes: [LibraryFile("include")],
        directory: "/ports/shim", sourceRoot: "/cache/shim"),
      LibraryManifest(
        name: "user", kind: .port, requires: ["libshim"],
        sources: [
          LibraryFile("u.c"), LibraryFile("net.c", conditions: [OptionCondition(option: "CONFIG_LIBNETDEV")]),
        ], directory: "/ports/user", sourceRoot: "/cache/user"),
    ]

  static func plan(_ libraries: [String]) throws -> TargetBuildPlan {
    let target = PortOptionFlagsTests.target
    let files = PortOptionFlagsTests.files.merging([
      "/k/netdev/netdev.c": "", "/k/netdev/include/kraft/netdev.h": "",
      "/cache/shim/include/shim.h": "", "/cache/user/u.c": "", "/cache/user/net.c": "",
    ]) { $1 }
    let kraftfile = Kraftfile(
      name: "demo", directory: "/p", libraries: libraries.map { Component(name: $0) }, targets: [target])
    let request = BuildRequest(
      kraftfile: kraftfile, projectName: "demo", outputDirectory: "/p/.unikraft/build",
      targets: [target], catalog: catalog, commonIncludes: ["/k/include"],
      sourceRoots: ["tiny": PortOptionFlagsTests.tree, "shim": "/cache/shim", "user": "/cache/user"])
    return try BuildPlanner(
      fileSystem: InMemoryFileSystem(files: files), toolchains: { _ in PortOptionFlagsTests.toolchain }
    ).plan(request).targets[0]
  }

  static func includes(_ plan: TargetBuildPlan, _ source: String) throws -> [String] {
    try #require(plan.compiles.first { $0.source == source }).command.filter { $0.hasPrefix("-I") }
  }

  @Test func aPortSeesWhatItRequiresAndTheImageAddsNothingElse() throws {
    let alone = try Self.plan(["tiny"])
    let withNetwork = try Self.plan(["tiny", "netdev"])
    let tiny = PortOptionFlagsTests.tree + "/src/a.c"
    #expect(try Self.includes(withNetwork, tiny) == Self.includes(alone, tiny))
    #expect(try !Self.includes(withNetwork, tiny).contains("-I/k/netdev/include"))
    #expect(try Self.includes(withNetwork, tiny).contains("-I/k/kcore/include"))
    // Kernel libraries and the application still see every folder.
    #expect(try Self.includes(withNetwork, "/k/kcore/core.c").contains("-I/k/netdev/include"))
    #expect(try Self.includes(withNetwork, "/p/main.c").contains("-I/k/netdev/include"))
  }

  @Test func aCapabilityCountsByItsProviderAndAnIfByTheLibraryItNames() throws {
    let plan = try Self.plan(["user", "netdev"])
    let seen = try Self.includes(plan, "/cache/user/u.c")
    #expect(seen.contains("-I/cache/shim/include"))
    // net.c is compiled only with netdev (`if: CONFIG_LIBNETDEV`), so the port sees its folder.
    #expect(seen.contains("-I/k/netdev/include"))
  }
}
