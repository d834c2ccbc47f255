import Foundation
import KraftBasics
import KraftBuild
import KraftModel
import Testing

/// The release manifest, the bill of materials, lock completeness and the source date.
@Suite struct ReleaseManifestTests {
  static let toolchain = ReleaseToolchain(
    family: "clang", compiler: "clang version 21.0.0", linker: "LLD 21.0.0", objcopy: "llvm-objcopy")

  static func manifest(epoch: Int = 1_700_000_000) -> ReleaseManifest {
    ReleaseManifest(
      kraftVersion: "0.1.0", target: "qemu/x86_64",
      image: ReleaseArtifact(file: "hello_qemu-x86_64", size: 10, sha256: String(repeating: "a", count: 64)),
      debugImage: ReleaseArtifact(
        file: "hello_qemu-x86_64.dbg", size: 20, sha256: String(repeating: "b", count: 64)),
      initrd: nil, sourceDateEpoch: epoch, toolchain: toolchain,
      project: ReleaseProject(
        name: "hello", kraftfile: "Kraftfile", directory: "../..", treeHash: "sha256:11",
        files: [ReleaseFile(path: "main.c", sha256: "22"), ReleaseFile(path: "Kraftfile", sha256: "33")]),
      kernelLibraries: [
        ReleaseKernelLibrary(name: "kcore", path: "lib/kcore", treeHash: "sha256:44"),
        ReleaseKernelLibrary(name: "arch-x86_64", path: "arch/x86_64", treeHash: "sha256:55"),
      ],
      ports: [
        ReleasePort(
          name: "musl", version: "1.2.3", url: "https://musl.libc.org/releases/musl-1.2.3.tar.gz",
          pin: UpstreamPin(archiveSHA256: "7d5b", treeHash: "sha256:66", preparedTree: "sha256:99"),
          patchSetHash: "sha256:77",
          patches: [ReleaseFile(path: "patches/0001-x.patch", sha256: "88")], license: "MIT",
          preparedWith: [PreparedTool(name: "make", version: "GNU Make 4.3")])
      ],
      options: ["CONFIG_B": "y", "CONFIG_A": "42"],
      rebuild: ReleaseRebuildCommand(
        arguments: ["kraft", "build", "--release", "-t", "qemu/x86_64"],
        environment: ["SOURCE_DATE_EPOCH": String(epoch)]))
  }

  @Test func manifestJSONIsSortedAndRoundTrips() throws {
    let text = try ReleaseJSON.encode(Self.manifest())
    #expect(try ReleaseJSON.decode(ReleaseManifest.self, from: text) == Self.manifest())
    #expect(try ReleaseJSON.encode(try ReleaseJSON.decode(ReleaseManifest.self, from: text)) == text)
    // Lists are sorted by name or path whatever order they were given in.
    let manifest = Self.manifest()
    #expect(manifest.project.files.map(\.path) == ["Kraftfile", "main.c"])
    #expect(manifest.kernelLibraries.map(\.name) == ["arch-x86_64", "kcore"])
    #expect(text.contains("\"url\" : \"https://musl.libc.org/releases/musl-1.2.3.tar.gz\""))
    #expect(text.contains("\"version\" : \"GNU Make 4.3\""))
    let a = try #require(text.range(of: "\"CONFIG_A\""))
    let b = try #require(text.range(of: "\"CONFIG_B\""))
    #expect(a.lowerBound < b.lowerBound)
    #expect(manifest.rebuild.shellLine == "SOURCE_DATE_EPOCH=1700000000 kraft build --release -t qemu/x86_64")
  }

  @Test func billOfMaterialsListsEveryLibraryWithVersionLicenseAndSource() throws {
    let document = SBOMDocument(manifest: Self.manifest())
    #expect(document.spdxVersion == "SPDX-2.3")
    #expect(document.creationInfo.created == "2023-11-14T22:13:20Z")
    #expect(document.documentNamespace.hasSuffix(String(repeating: "a", count: 64)))
    let musl = try #require(document.packages.first { $0.name == "musl" })
    #expect(musl.versionInfo == "1.2.3")
    #expect(musl.licenseDeclared == "MIT")
    #expect(musl.downloadLocation == "https://musl.libc.org/releases/musl-1.2.3.tar.gz")
    #expect(musl.checksums?.map(\.algorithm) == ["SHA256"])
    #expect(musl.checksums?.map(\.checksumValue) == ["7d5b"])
    // The tools of its prepare: step, as in the manifest.
    #expect(musl.comment?.contains("prepared tree sha256:99 by make (GNU Make 4.3)") == true)
    let kcore = try #require(document.packages.first { $0.name == "kcore" })
    #expect(kcore.versionInfo == "0.1.0")
    #expect(kcore.licenseDeclared == "Apache-2.0")
    #expect(kcore.SPDXID == "SPDXRef-Kernel-kcore")
    // The image contains each of the others; the document describes the image.
    #expect(document.relationships.count == document.packages.count)
    #expect(
      document.relationships.filter { $0.relationshipType == "CONTAINS" }.count == document.packages.count - 1
    )
    #expect(
      document.packages.allSatisfy {
        $0.SPDXID.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." }
      })
    #expect(try ReleaseJSON.encode(document) == ReleaseJSON.encode(SBOMDocument(manifest: Self.manifest())))
  }

  @Test func lockEntriesMustPinATreeAndAnArchiveOrCommit() {
    let complete = LockfileEntry(
      name: "musl", version: "1.2.3", kind: .archive, url: "u",
      pin: UpstreamPin(archiveSHA256: "ab", treeHash: "sha256:cd"))
    let treeOnly = LockfileEntry(
      name: "lwip", version: "2.1.3", kind: .archive, url: "u", pin: UpstreamPin(treeHash: "sha256:ef"))
    let lock = Lockfile(entries: [complete, treeOnly])
    #expect(ReleaseInputs.missingLockEntries(ports: ["musl"], lock: lock).isEmpty)
    #expect(
      ReleaseInputs.missingLockEntries(ports: ["zlib", "musl", "lwip"], lock: lock) == ["lwip", "zlib"])
    #expect(ReleaseInputs.missingLockEntries(ports: ["musl"], lock: nil) == ["musl"])
    #expect(ReleaseInputs.missingLockEntries(ports: [], lock: nil).isEmpty)
  }

  @Test func toolchainDifferencesNameEachProgram() {
    var other = Self.toolchain
    other.linker = "LLD 17.0.6"
    #expect(other.differences(from: Self.toolchain) == ["linker: 'LLD 21.0.0', now 'LLD 17.0.6'"])
    #expect(Self.toolchain.differences(from: Self.toolchain).isEmpty)
  }
}

/// `SOURCE_DATE_EPOCH`: the environment, then the release lock, then git, then 0.
@Suite struct ReleaseSourceDateTests {
  final class FakeGit: ProcessRunner, @unchecked Sendable {
    var output: String
    var status: Int32
    var commands: [ProcessCommand] = []
    init(output: String, status: Int32 = 0) {
      self.output = output
      self.status = status
    }
    func run(_ command: ProcessCommand, output mode: ProcessOutputMode) throws -> ProcessResult {
      commands.append(command)
      return ProcessResult(status: status, stdout: output)
    }
  }

  static let locator = ExecutableLocator(searchPath: ["/bin"], isExecutable: { $0 == "/bin/git" })
  static let lock = ReleaseLock(sourceDateEpoch: 1234, toolchains: [:])

  @Test func theEnvironmentWinsThenTheLockThenGitThenZero() throws {
    let git = FakeGit(output: "1600000000\n")
    let date = ReleaseSourceDate(runner: git, locator: Self.locator)
    let fromEnvironment = try date.choose(
      environment: ["SOURCE_DATE_EPOCH": "99"], lock: Self.lock, projectDirectory: "/p")
    #expect(fromEnvironment.seconds == 99 && fromEnvironment.origin == .environment)
    let fromLock = try date.choose(environment: [:], lock: Self.lock, projectDirectory: "/p")
    #expect(fromLock.seconds == 1234 && fromLock.origin == .releaseLock)
    #expect(git.commands.isEmpty)
    let fromGit = try date.choose(environment: [:], lock: nil, projectDirectory: "/p")
    #expect(fromGit.seconds == 1_600_000_000 && fromGit.origin == .gitCommit)
    #expect(git.commands.first?.arguments == ["-C", "/p", "log", "-1", "--format=%ct", "--", "."])
    let outsideGit = ReleaseSourceDate(runner: FakeGit(output: "", status: 128), locator: Self.locator)
    #expect(try outsideGit.choose(environment: [:], lock: nil, projectDirectory: "/p").seconds == 0)
  }

  @Test func aMalformedEpochIsAUsageError() {
    let date = ReleaseSourceDate(runner: FakeGit(output: ""), locator: Self.locator)
    #expect(throws: ReleaseError.self) {
      try date.choose(environment: ["SOURCE_DATE_EPOCH": "yesterday"], lock: nil, projectDirectory: "/p")
    }
  }
}
