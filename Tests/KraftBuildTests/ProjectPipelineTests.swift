import KraftBasics
import KraftFetch
import KraftModel
import Testing

@testable import KraftBuild

/// The pipeline's steps one after another over an in-memory tree: resolve, fetch (through a
/// recording provider, not the network), then the plan, which is given the port trees and
/// fetches nothing itself.
@Suite struct ProjectPipelineTests {
  static let target = Target(platform: .qemu, architecture: .x86_64)
  static let toolchain = BuildPlannerTests.toolchain

  /// A kernel of three libraries and a project with its own port `widget` (two versions).
  static let files: [String: String] = [
    "/w/Kernel/include/kraft/abi.h": "",
    "/w/Kernel/arch/x86_64/library.yaml": "name: arch-x86_64\nkind: arch\narchitectures: [x86_64]\n",
    "/w/Kernel/plat/qemu/library.yaml": """
    name: plat-qemu
    kind: platform
    platforms: [qemu]
    requires: [kcore]
    linker-scripts: [link.lds]

    """,
    "/w/Kernel/plat/qemu/link.lds": "",
    "/w/Kernel/lib/kcore/library.yaml": "name: kcore\nsources: [core.c]\n",
    "/w/Kernel/lib/kcore/core.c": "",
    "/w/p/Ports/widget/port.yaml": """
    name: widget
    upstream:
      default: '1.0'
      versions:
        '1.0': {archive: 'https://example.org/w-1.0.tar.gz', sha256: \(String(repeating: "a", count: 64))}
    sources: [src/*.c]
    includes: [include]
    cflags: ['-I${upstream}/private']

    """,
    "/w/p/main.c": "",
    // The fetched tree, as the fetch step leaves it in the cache.
    "/cache/widget-1.0/src/a.c": "", "/cache/widget-1.0/src/b.c": "",
    "/cache/widget-1.0/include/widget.h": "",
  ]

  static func kraftfile(libraries: [Component] = [Component(name: "widget")]) -> Kraftfile {
    Kraftfile(
      name: "demo", directory: "/w/p", unikraft: Component(name: "unikraft", source: .path("/w/Kernel")),
      libraries: libraries, targets: [target])
  }

  static func project(_ sources: RecordingPortSources, kraftfile: Kraftfile = kraftfile()) -> ProjectBuild {
    ProjectBuild(
      kraftfile: kraftfile, fileSystem: InMemoryFileSystem(files: files), portSources: sources,
      toolchains: { _, _ in toolchain })
  }

  @Test func theSelectedPortIsFetchedOnceAndPlannedOnTheTreeItWasGiven() throws {
    let sources = RecordingPortSources(roots: ["widget": "/cache/widget-1.0"])
    let project = Self.project(sources)
    let resolved = try project.resolve(targets: [Self.target, Self.target])
    #expect(sources.asked.isEmpty, "resolving fetches nothing")

    let fetched = try project.fetch(resolved)
    #expect(sources.asked == ["widget"])
    #expect(fetched.roots == ["widget": "/cache/widget-1.0"])

    let request = BuildRequest(
      kraftfile: project.kraftfile, projectName: "demo", outputDirectory: "/w/p/.unikraft/build",
      targets: [], catalog: resolved.catalog.libraries, commonIncludes: resolved.kernel.commonIncludes,
      sourceRoots: fetched.roots)
    let plan = try BuildPlanner(fileSystem: project.fileSystem, toolchains: { _ in Self.toolchain })
      .plan(request, resolved: [resolved.targets[0]])
    let target = try #require(plan.targets.first)
    #expect(
      target.compiles.map(\.description) == [
        "CC widget src/a.c", "CC widget src/b.c", "CC kcore core.c", "CC app main.c",
      ])
    let widget = try #require(target.compiles.first { $0.library == "widget" })
    #expect(widget.source == "/cache/widget-1.0/src/a.c")
    #expect(widget.command.contains("-I/cache/widget-1.0/private"))
    #expect(widget.command.contains("-I/cache/widget-1.0/include"))
    #expect(sources.asked == ["widget"], "planning fetches nothing")
  }

  @Test func aPortWithoutAGivenTreeIsAnErrorNotAFetch() throws {
    let sources = RecordingPortSources(roots: [:])
    let project = Self.project(sources)
    let resolved = try project.resolve(targets: [Self.target])
    let request = BuildRequest(
      kraftfile: project.kraftfile, projectName: "demo", outputDirectory: "/w/p/.unikraft/build",
      targets: [], catalog: resolved.catalog.libraries, commonIncludes: resolved.kernel.commonIncludes)
    let error = #expect(throws: PortSourcesUnavailable.self) {
      try BuildPlanner(fileSystem: project.fileSystem, toolchains: { _ in Self.toolchain })
        .plan(request, resolved: resolved.targets)
    }
    #expect(error?.message.contains("'widget'") == true)
    #expect(sources.asked.isEmpty)
  }

  @Test func aProjectWithoutPortsFetchesNothing() throws {
    let sources = RecordingPortSources(roots: [:])
    let project = Self.project(sources, kraftfile: Self.kraftfile(libraries: []))
    let fetched = try project.fetch(try project.resolve(targets: [Self.target]))
    #expect(fetched == FetchedPorts())
    #expect(sources.asked.isEmpty)
  }

  /// `kraft build --dry-run` below the binary: every step up to the plan, nothing written.
  @Test func theProjectBuilderPlansThroughEveryStepUpToThePlan() throws {
    let sources = RecordingPortSources(roots: ["widget": "/cache/widget-1.0"])
    let project = Self.project(sources)
    let builder = ProjectBuilder(
      project: project,
      options: ProjectBuilder.Options(targets: [Self.target], extraCFlags: ["-DX"], dryRun: true),
      runner: AnsweringRunner(answers: [:]))
    let planned = try builder.plan()
    #expect(sources.asked == ["widget"])
    #expect(planned.fetched.roots == ["widget": "/cache/widget-1.0"])
    #expect(planned.release == nil)
    let target = try #require(planned.plan.targets.first)
    #expect(target.image == "/w/p/.unikraft/build/demo_qemu-x86_64")
    #expect(target.compiles.allSatisfy { $0.command.last(where: { $0 == "-DX" }) != nil })
    #expect(target.compiles.contains { $0.source == "/cache/widget-1.0/src/b.c" })
    #expect(!project.fileSystem.exists("/w/p/.unikraft"), "planning writes nothing")
  }

  /// A release checks the lock right after resolving, before any port is fetched.
  @Test func aReleaseWithoutALockStopsBeforeFetching() throws {
    let sources = RecordingPortSources(roots: ["widget": "/cache/widget-1.0"])
    let builder = ProjectBuilder(
      project: Self.project(sources),
      options: ProjectBuilder.Options(
        targets: [Self.target],
        release: ReleaseBuild.Request(
          kraftfilePath: "/w/p/Kraftfile", environment: [:], workingDirectory: "/w/p"),
        dryRun: true),
      runner: AnsweringRunner(answers: [:]))
    let error = #expect(throws: ReleaseError.self) { try builder.plan() }
    #expect(error?.message.contains("'widget'") == true)
    #expect(sources.asked.isEmpty)
  }
}

/// A fetch step that hands over trees it was given and records which ports were asked for.
final class RecordingPortSources: PortSourceProvider, @unchecked Sendable {
  let roots: [String: String]
  private(set) var asked: [String] = []

  init(roots: [String: String]) { self.roots = roots }

  func prepare(port: LibraryManifest, component: Component?) throws -> PreparedSource {
    asked.append(port.name)
    guard let root = roots[port.name] else {
      throw PortSourcesUnavailable(message: "no tree for '\(port.name)' in this test")
    }
    return PreparedSource(
      name: port.name, directory: root,
      lockEntry: LockfileEntry(
        name: port.name, version: "1.0", kind: .archive, url: "https://example.org/w.tar.gz",
        pin: UpstreamPin(treeHash: "sha256:" + String(repeating: "0", count: 64))),
      downloaded: false)
  }
}
