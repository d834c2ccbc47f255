import Foundation
import KraftBasics
import KraftManifest
import KraftModel
import Testing

@testable import KraftBuild

/// A port that is the image's program (`program:`, CPython's interpreter) and adds files to the
/// root file system (`rootfs:`, its standard library).
@Suite struct PortProgramTests {
  static let target = Target(platform: .qemu, architecture: .x86_64)

  static func request(_ catalog: [LibraryManifest]) -> BuildRequest {
    BuildRequest(
      kraftfile: Kraftfile(name: "demo", directory: "/p", targets: [target]),
      projectName: "demo", outputDirectory: "/p/.unikraft/build", targets: [target], catalog: catalog,
      commonIncludes: ["/k/include"], extraCFlags: [])
  }

  /// The test catalog with kcore declaring a program and a root file system folder.
  static func catalog() throws -> [LibraryManifest] {
    var catalog = BuildPlannerTests.catalog
    let index = try #require(catalog.firstIndex { $0.name == "kcore" })
    catalog[index].program = [LibraryFile("prog/main.c")]
    catalog[index].rootfs = LibraryFile("files")
    return catalog
  }

  @Test func theParserReadsProgramAndRootfs() throws {
    let text = """
      name: interp
      program: [Programs/main.c]
      rootfs: {path: runtime, from: port}
      upstream: {versions: {"1.0": {archive: "https://example.org/i.tar.gz"}}}
      """
    let port = try LibraryManifestParser(extraKeys: LibraryCatalog.portOnlyKeys).parse(
      text, file: "port.yaml", directory: "/ports/interp")
    #expect(port.program.map(\.path) == ["Programs/main.c"])
    #expect(port.rootfs?.path == "runtime")
    #expect(port.rootfs?.base == .manifest)
  }

  @Test func withoutOwnSourcesTheProgramIsCompiledAndItsFolderJoinsTheRootfs() throws {
    let files = BuildPlannerTests.files.merging(["/k/kcore/prog/main.c": ""]) { $1 }
    let planner = BuildPlanner(
      fileSystem: InMemoryFileSystem(files: files), toolchains: { _ in BuildPlannerTests.toolchain })
    let plan = try #require(try planner.plan(Self.request(try Self.catalog())).targets.first)
    let descriptions = plan.compiles.map(\.description)
    #expect(descriptions.contains("CC kcore prog/main.c"))
    #expect(!descriptions.contains { $0.hasPrefix("CC app") })
    #expect(plan.rootfsLayers == ["/k/kcore/files"])
  }

  @Test func theProjectsOwnMainWinsOverThePortsProgram() throws {
    let files = BuildPlannerTests.files.merging(["/k/kcore/prog/main.c": "", "/p/main.c": ""]) { $1 }
    let planner = BuildPlanner(
      fileSystem: InMemoryFileSystem(files: files), toolchains: { _ in BuildPlannerTests.toolchain })
    let plan = try #require(try planner.plan(Self.request(try Self.catalog())).targets.first)
    let descriptions = plan.compiles.map(\.description)
    #expect(descriptions.contains("CC app main.c"))
    #expect(!descriptions.contains("CC kcore prog/main.c"))
  }

  @Test func portFilesAreMergedUnderTheProjectsRootfs() throws {
    let root = NSTemporaryDirectory() + "kraft-layers-" + UUID().uuidString
    defer { try? FileManager.default.removeItem(atPath: root) }
    for (path, text) in [
      "port/usr/lib/stdlib.zip": "library", "port/etc/motd": "from the port",
      "project/etc/motd": "from the project", "project/app/main.py": "print(1)",
    ] {
      let full = root + "/" + path
      try FileManager.default.createDirectory(
        atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
      try text.write(toFile: full, atomically: true, encoding: .utf8)
    }
    let output = root + "/initrd.cpio"
    let policy = RootfsPolicy(projectDirectory: root + "/project", allowOutsideProject: false)
    try CpioWriter().writeInitrd(
      forRootfs: root + "/project", layers: [root + "/port"], policy: policy, to: output)
    let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: output)))
    let text = String(decoding: bytes, as: UTF8.self)
    #expect(text.contains("from the project") && !text.contains("from the port"))
    let names = ["app", "app/main.py", "etc", "etc/motd", "usr", "usr/lib", "usr/lib/stdlib.zip"]
    var last = text.startIndex
    for name in names {
      let found = try #require(text.range(of: name + "\0", range: last..<text.endIndex), "\(name)")
      last = found.upperBound
    }
  }
}
