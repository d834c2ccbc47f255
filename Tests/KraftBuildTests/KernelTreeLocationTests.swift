import Foundation
import KraftBasics
import KraftModel
import Testing

@testable import KraftBuild

/// Where kraft finds its kernel and ports: from its own binary, whichever way it was started.
@Suite struct KernelTreeLocationTests {
  static let marker = "/include/kraft/abi.h"

  @Test func installedLayoutIsFoundFromTheBinaryInPrefixBin() throws {
    let fileSystem = InMemoryFileSystem(files: [
      "/opt/kraft/share/kraft/Kernel" + Self.marker: "",
      "/opt/kraft/share/kraft/Ports/zlib/port.yaml": "",
    ])
    let tree = try KernelTree.locate(
      kraftfile: Kraftfile(directory: "/home/u/app"), environment: [:],
      executable: "/opt/kraft/bin/kraft", fileSystem: fileSystem)
    #expect(tree.kernelDirectory == "/opt/kraft/share/kraft/Kernel")
    #expect(tree.portsDirectory == "/opt/kraft/share/kraft/Ports")
    #expect(tree.missingPortsWarning == nil)
  }

  @Test func sourceTreeLayoutIsFoundAboveABuildFolderBinary() throws {
    let fileSystem = InMemoryFileSystem(files: [
      "/src/kraft/Kernel" + Self.marker: "", "/src/kraft/Ports/musl/port.yaml": "",
    ])
    let tree = try KernelTree.locate(
      kraftfile: Kraftfile(directory: "/home/u/app"), environment: [:],
      executable: "/src/kraft/.build/x86_64-unknown-linux-gnu/debug/kraft", fileSystem: fileSystem)
    #expect(tree.kernelDirectory == "/src/kraft/Kernel")
    #expect(tree.portsDirectory == "/src/kraft/Ports")
  }

  @Test func missingBuiltinPortsAreNamedInAWarning() throws {
    let fileSystem = InMemoryFileSystem(files: ["/opt/kraft/share/kraft/Kernel" + Self.marker: ""])
    let tree = try KernelTree.locate(
      kraftfile: Kraftfile(directory: "/home/u/app"), environment: [:],
      executable: "/opt/kraft/bin/kraft", fileSystem: fileSystem)
    let warning = try #require(tree.missingPortsWarning)
    #expect(warning.contains("'/opt/kraft/share/kraft/Ports'"))
    #expect(warning.contains("KRAFT_PORTS_PATH"))
  }

  /// A bare `kraft` (started from `PATH`) is the one on `PATH`, not a file in the current
  /// folder: resolving it against the current folder is what made an installed kraft lose
  /// its kernel.
  @Test func bareArgumentZeroIsLookedUpOnPath() throws {
    let base = FileManager.default.temporaryDirectory.appendingPathComponent(
      "kraft-argv0-\(UUID().uuidString)"
    ).path
    defer { try? FileManager.default.removeItem(atPath: base) }
    try FileManager.default.createDirectory(atPath: base + "/bin", withIntermediateDirectories: true)
    try FileManager.default.createDirectory(atPath: base + "/elsewhere", withIntermediateDirectories: true)
    FileManager.default.createFile(
      atPath: base + "/bin/kraft", contents: Data(), attributes: [.posixPermissions: 0o755])
    let resolved = ExecutableLocator.resolve(
      argumentZero: "kraft", locator: ExecutableLocator(searchPath: [base + "/bin"]),
      currentDirectory: base + "/elsewhere")
    #expect(resolved == URL(fileURLWithPath: base + "/bin/kraft").resolvingSymlinksInPath().path)
    let relative = ExecutableLocator.resolve(
      argumentZero: "../bin/kraft", locator: ExecutableLocator(searchPath: []),
      currentDirectory: base + "/elsewhere")
    #expect(relative == resolved)
  }

  /// The running test binary's own path comes from /proc/self/exe, absolute and real.
  @Test func currentExecutableIsAnAbsoluteRealPath() {
    let path = ExecutableLocator.currentExecutable
    #expect(path.hasPrefix("/"))
    #expect(FileManager.default.isExecutableFile(atPath: path))
  }
}
