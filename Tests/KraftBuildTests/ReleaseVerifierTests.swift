import Foundation
import KraftBasics
import KraftBuild
import KraftModel
import Testing

/// `ReleaseVerifier` with a rebuilder that writes chosen bytes instead of compiling, and the
/// input collection it relies on, on real temporary folders.
@Suite struct ReleaseVerifierTests {
  /// A project folder removed when the test ends.
  final class Folder {
    let path: String
    init() throws {
      path =
        FileManager.default.temporaryDirectory.appendingPathComponent(
          "kraft-release-\(UUID().uuidString)"
        ).path
      try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    func write(_ relative: String, _ text: String) throws {
      let full = path + "/" + relative
      try FileManager.default.createDirectory(
        atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
      try text.write(toFile: full, atomically: true, encoding: .utf8)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
  }

  /// "Rebuilds" by writing `image` into the copy's output folder, and remembers where it ran.
  final class FakeRebuilder: ReleaseRebuilder, @unchecked Sendable {
    var image: [UInt8]
    var directories: [String] = []
    var sawProjectFiles: [String] = []
    init(image: [UInt8]) { self.image = image }
    func rebuild(_ command: ReleaseRebuildCommand, in directory: String) throws {
      directories.append(directory)
      sawProjectFiles = (try? FileManager.default.contentsOfDirectory(atPath: directory).sorted()) ?? []
      let out = directory + "/.unikraft/build"
      try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
      FileManager.default.createFile(atPath: out + "/app_qemu-x86_64", contents: Data(image))
      FileManager.default.createFile(atPath: out + "/app_qemu-x86_64.dbg", contents: Data(image + [1]))
    }
  }

  static let released: [UInt8] = Array("released image bytes".utf8)

  /// A released project: files, a build folder with the image and its manifest.
  static func release(in folder: Folder) throws -> String {
    try folder.write("Kraftfile", "name: app\n")
    try folder.write("main.c", "int main(void) { return 0; }\n")
    try folder.write(".git/HEAD", "ref: refs/heads/main\n")
    try folder.write(".unikraft/build/qemu-x86_64/obj/app/main.c.o", "object")
    let build = folder.path + "/.unikraft/build"
    FileManager.default.createFile(atPath: build + "/app_qemu-x86_64", contents: Data(released))
    FileManager.default.createFile(atPath: build + "/app_qemu-x86_64.dbg", contents: Data(released + [1]))
    let project = try ReleaseInputs().projectFiles(directory: folder.path, excluding: [".unikraft/build"])
    let manifest = ReleaseManifest(
      kraftVersion: KraftVersion.current, target: "qemu/x86_64",
      image: ReleaseArtifact(file: "app_qemu-x86_64", size: released.count, sha256: SHA256.hex(of: released)),
      debugImage: ReleaseArtifact(
        file: "app_qemu-x86_64.dbg", size: released.count + 1, sha256: SHA256.hex(of: released + [1])),
      initrd: nil, sourceDateEpoch: 0,
      toolchain: ReleaseToolchain(family: "clang", compiler: "c", linker: "l", objcopy: "o"),
      project: ReleaseProject(
        name: "app", kraftfile: "Kraftfile", directory: "../..", treeHash: project.treeHash,
        files: project.files),
      kernelLibraries: [], ports: [], options: [:],
      rebuild: ReleaseRebuildCommand(arguments: ["kraft", "build", "--release"], environment: [:]))
    let path = build + "/app_qemu-x86_64.release.json"
    try ReleaseJSON.encode(manifest).write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  static let kernel = KernelTree(kernelDirectory: "/nonexistent/Kernel")

  @Test func projectFilesLeaveOutBuildOutputsAndGit() throws {
    let folder = try Folder()
    try folder.write("Kraftfile", "name: app\n")
    try folder.write("src/a.c", "a")
    try folder.write(".unikraft/build/x", "x")
    try folder.write(".git/HEAD", "h")
    try folder.write("out/image", "i")
    let files = try ReleaseInputs().projectFiles(directory: folder.path, excluding: ["out"])
    #expect(files.files.map(\.path) == ["Kraftfile", "src/a.c"])
    #expect(files.files[1].sha256 == SHA256.hex(of: "a"))
    let again = try ReleaseInputs().projectFiles(directory: folder.path, excluding: ["out"])
    #expect(again.treeHash == files.treeHash)
    try folder.write("src/a.c", "b")
    #expect(
      try ReleaseInputs().projectFiles(directory: folder.path, excluding: ["out"]).treeHash != files.treeHash)
  }

  @Test func anIdenticalRebuildVerifiesFromAFreshCopy() throws {
    let folder = try Folder()
    let manifest = try Self.release(in: folder)
    let rebuilder = FakeRebuilder(image: Self.released)
    let outcome = try ReleaseVerifier(rebuilder: rebuilder)
      .verify(manifestPath: manifest, projectDirectory: nil, kernel: Self.kernel)
    #expect(outcome.differences.isEmpty)
    #expect(outcome.identical == ["app_qemu-x86_64", "app_qemu-x86_64.dbg"])
    #expect(outcome.projectDirectory == folder.path)
    // The copy had the project's files and none of its outputs or .git, and is gone now.
    #expect(rebuilder.sawProjectFiles == ["Kraftfile", "main.c"])
    #expect(!FileManager.default.fileExists(atPath: rebuilder.directories[0]))
  }

  @Test func aChangedInputAndTheDifferenceAreBothReported() throws {
    let folder = try Folder()
    let manifest = try Self.release(in: folder)
    try folder.write("main.c", "int main(void) { return 1; }\n")
    try folder.write("extra.h", "")
    var rebuilt = Self.released
    rebuilt[3] = 0
    let outcome = try ReleaseVerifier(rebuilder: FakeRebuilder(image: rebuilt))
      .verify(manifestPath: manifest, projectDirectory: nil, kernel: Self.kernel)
    #expect(outcome.differences.map(\.file) == ["app_qemu-x86_64", "app_qemu-x86_64.dbg"])
    #expect(outcome.differences[0].firstOffset == 3)
    #expect(outcome.changedInputs.contains { $0.hasPrefix("input 'main.c' changed") })
    #expect(outcome.changedInputs.contains("input 'extra.h' is new since the release"))
  }

  @Test func anImageChangedAfterTheReleaseIsCaughtEvenWhenTheRebuildMatches() throws {
    let folder = try Folder()
    let manifest = try Self.release(in: folder)
    var tampered = Self.released
    tampered[0] = 0x58
    FileManager.default.createFile(
      atPath: folder.path + "/.unikraft/build/app_qemu-x86_64", contents: Data(tampered))
    let outcome = try ReleaseVerifier(rebuilder: FakeRebuilder(image: Self.released))
      .verify(manifestPath: manifest, projectDirectory: nil, kernel: Self.kernel)
    #expect(outcome.differences.map(\.file) == ["app_qemu-x86_64"])
    #expect(outcome.changedInputs.contains { $0.contains("no longer matches its sha256") })
  }

  @Test func aManifestThatIsNotOneIsAnInvalidInput() throws {
    let folder = try Folder()
    try folder.write("bad.release.json", "{\"formatVersion\": 1}")
    #expect(throws: ReleaseError.self) {
      try ReleaseVerifier.load(manifestPath: folder.path + "/bad.release.json")
    }
    do {
      _ = try ReleaseVerifier.load(manifestPath: folder.path + "/missing.json")
      Issue.record("a missing manifest loaded")
    } catch let error as ReleaseError {
      #expect(error.kind == .missingInput)
    }
  }
}
