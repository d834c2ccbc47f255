import Foundation
import KraftTestSupport
import Testing

/// Two release builds of one example, made as differently as this machine allows: other
/// folders (of other depths and names) for the project and for kraft's kernel tree, other
/// times, users, host names, time zones, umasks and job counts, and no `SOURCE_DATE_EPOCH` in
/// either environment. Built once per test run and shared; each test that changes a project
/// works on its own copy. The host name differs only where a UTS namespace can be made (root or
/// user namespaces); `theSecondBuildRanUnderAnotherHostName` is skipped, saying so, elsewhere.
///
/// Both builds use one snapshot of `Kernel/` and `Ports/` (copied to two places): the team
/// edits the live tree while tests run, and a kernel change is a real input change.
final class ReleasePair: @unchecked Sendable {
  let first: ScratchProject
  /// A copy of `first` made before either build, at another depth under another name.
  let second: URL
  /// `.../Kernel` of each snapshot.
  let firstKernel: URL
  let secondKernel: URL
  let lock: KraftProcess.Result?
  let firstBuild: KraftProcess.Result
  let secondBuild: KraftProcess.Result
  /// The host name the second build ran under, as `hostname` said inside its namespace; nil
  /// where no UTS namespace could be made.
  let secondHostName: String?
  let target: String
  let image: String

  /// `lockFirst`: run `kraft lock` before copying (projects with ports need a complete lock).
  init(copying source: String, target: String, image: String, lockFirst: Bool = false) throws {
    self.target = target
    self.image = image
    first = try ScratchProject(copying: source)
    let scratch = first.url.deletingLastPathComponent()
    firstKernel = try Self.snapshotKernel(into: scratch.appendingPathComponent("kraft-a"))
    secondKernel = try Self.snapshotKernel(into: scratch.appendingPathComponent("other/place/kraft-b"))
    lock =
      lockFirst
      ? try KraftProcess.run(["lock"], in: first.url, environment: ["KRAFT_KERNEL_DIR": firstKernel.path])
      : nil

    second = scratch.appendingPathComponent("elsewhere/much/deeper/renamed-project")
    try FileManager.default.createDirectory(
      at: second.deletingLastPathComponent(), withIntermediateDirectories: true)
    try FileManager.default.copyItem(at: first.url, to: second)
    try Self.removeGroupAndOtherPermissions(under: second.appendingPathComponent("rootfs"))

    firstBuild = try ReleaseShell.run(
      ["build", "--release", "-t", target, "-j", "1"], in: first.url, umask: "022",
      hostname: nil,
      environment: [
        "TZ": "America/New_York", "USER": "alice", "LOGNAME": "alice",
        "KRAFT_KERNEL_DIR": firstKernel.path,
      ])
    // A second later at least, so a timestamp taken from the clock would show.
    Thread.sleep(forTimeInterval: 1.1)
    // Beside the projects, not in them: a file in a project would be a release input.
    let hostNameRecord = scratch.appendingPathComponent("second-build-hostname")
    secondBuild = try ReleaseShell.run(
      ["build", "--release", "-t", target, "-j", "2"], in: second, umask: "077",
      hostname: "kraft-release-other", hostNameRecord: hostNameRecord,
      environment: [
        "TZ": "Asia/Kolkata", "USER": "bob", "LOGNAME": "bob", "LANG": "de_DE.UTF-8",
        "HOSTNAME": "kraft-release-other", "KRAFT_KERNEL_DIR": secondKernel.path,
      ])
    secondHostName = (try? String(contentsOf: hostNameRecord, encoding: .utf8))?
      .trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// What a checkout under umask 077 leaves: no group or other permission bits. The rootfs is
  /// where modes reach an output (the initrd).
  static func removeGroupAndOtherPermissions(under folder: URL) throws {
    let manager = FileManager.default
    guard manager.fileExists(atPath: folder.path) else { return }
    for path in [folder.path] + (manager.subpaths(atPath: folder.path) ?? []).map({ folder.path + "/" + $0 })
    {
      let mode = try manager.attributesOfItem(atPath: path)[.posixPermissions] as? Int ?? 0o644
      try manager.setAttributes([.posixPermissions: mode & 0o700], ofItemAtPath: path)
    }
  }

  /// Copies the repository's `Kernel/` and `Ports/` into `folder`; returns `folder/Kernel`.
  static func snapshotKernel(into folder: URL) throws -> URL {
    let root = URL(fileURLWithPath: #filePath)
      .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    for name in ["Kernel", "Ports"] {
      try FileManager.default.copyItem(
        at: root.appendingPathComponent(name), to: folder.appendingPathComponent(name))
    }
    return folder.appendingPathComponent("Kernel")
  }

  func output(_ project: URL, _ suffix: String = "") -> URL {
    project.appendingPathComponent(".unikraft/build/\(image)\(suffix)")
  }

  var manifest: URL { output(first.url, ".release.json") }

  /// Runs `kraft` with the first snapshot's kernel.
  func kraft(_ arguments: [String], in directory: URL, kernel: URL? = nil) throws -> KraftProcess.Result {
    try KraftProcess.run(
      arguments, in: directory, environment: ["KRAFT_KERNEL_DIR": (kernel ?? firstKernel).path])
  }

  static let helloworld = SharedFixture {
    try ReleasePair(copying: "examples/helloworld", target: "qemu/x86_64", image: "helloworld_qemu-x86_64")
  }

  /// musl, and a `rootfs:` packed into an initrd.
  static let musl = SharedFixture {
    try ReleasePair(
      copying: "examples/musl-rootfs", target: "qemu/x86_64", image: "musl-rootfs_qemu-x86_64",
      lockFirst: true)
  }
}

/// Runs `kraft` through `/bin/sh` so the umask (and, where allowed, the host name in a UTS
/// namespace of its own) can differ, with `SOURCE_DATE_EPOCH` removed from the environment.
enum ReleaseShell {
  /// `hostNameRecord`: where the shell writes the host name it set, as `hostname` reads it back.
  static func run(
    _ arguments: [String], in directory: URL, umask: String, hostname: String?,
    hostNameRecord: URL? = nil, environment: [String: String]
  ) throws -> KraftProcess.Result {
    var script = "umask \(umask); exec \"$0\" \"$@\""
    var launcher = ["/bin/sh", "-c"]
    if let hostname, canChangeHostName {
      let record = hostNameRecord.map { "hostname >'\($0.path)' && " } ?? ""
      script = "hostname \(hostname) && " + record + script
      launcher = ["/usr/bin/unshare", "--uts", "/bin/sh", "-c"]
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: launcher[0])
    process.arguments = Array(launcher.dropFirst()) + [script, KraftProcess.binary.path] + arguments
    process.currentDirectoryURL = directory
    var merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    merged["SOURCE_DATE_EPOCH"] = nil
    process.environment = merged
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stderr = DataReader(err)
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return KraftProcess.Result(
      status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
      stderr: String(decoding: stderr.finish(), as: UTF8.self))
  }

  /// A new UTS namespace needs root (or user namespaces); without it only `HOSTNAME` differs.
  static let canChangeHostName: Bool = {
    let probe = Process()
    probe.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
    probe.arguments = ["--uts", "/bin/sh", "-c", "hostname kraft-probe"]
    probe.standardOutput = FileHandle.nullDevice
    probe.standardError = FileHandle.nullDevice
    guard (try? probe.run()) != nil else { return false }
    probe.waitUntilExit()
    return probe.terminationStatus == 0
  }()

  /// Reads a pipe on another thread so neither stream can block the process.
  final class DataReader: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)
    init(_ pipe: Pipe) {
      DispatchQueue.global().async {
        self.data = pipe.fileHandleForReading.readDataToEndOfFile()
        self.done.signal()
      }
    }
    func finish() -> Data {
      done.wait()
      return data
    }
  }
}

@Suite(.tags(.slow), .slowTier) struct ReleaseBuildTests {
  @Test func imagesAndReleaseFilesAreByteIdentical() async throws {
    try Self.expectIdentical(try await ReleasePair.helloworld.value)
  }

  /// The image, its `.dbg`, the manifest, the bill of materials and the release lock are the
  /// same bytes, and no folder of either build appears in the images.
  static func expectIdentical(_ pair: ReleasePair) throws {
    #expect(pair.lock.map { $0.status == 0 } ?? true, "kraft lock:\n\(pair.lock?.output ?? "")")
    #expect(pair.firstBuild.status == 0, "first release build:\n\(pair.firstBuild.output)")
    #expect(pair.secondBuild.status == 0, "second release build:\n\(pair.secondBuild.output)")
    for suffix in ["", ".dbg", ".release.json", ".spdx.json"] {
      let a = try Data(contentsOf: pair.output(pair.first.url, suffix))
      let b = try Data(contentsOf: pair.output(pair.second, suffix))
      #expect(a == b, "'\(pair.image)\(suffix)' differs between the two release builds")
    }
    let initrd = ".unikraft/build/" + pair.image.prefix { $0 != "_" } + ".initrd"
    if FileManager.default.fileExists(atPath: pair.first.url.appendingPathComponent("rootfs").path) {
      let a = try Data(contentsOf: pair.first.url.appendingPathComponent(initrd))
      let b = try Data(contentsOf: pair.second.appendingPathComponent(initrd))
      #expect(a == b, "the initrd differs between the two release builds")
    }
    let lockA = try Data(contentsOf: pair.first.url.appendingPathComponent("Kraftfile.release.lock"))
    let lockB = try Data(contentsOf: pair.second.appendingPathComponent("Kraftfile.release.lock"))
    #expect(lockA == lockB)
    for suffix in ["", ".dbg"] {
      let bytes = try Data(contentsOf: pair.output(pair.second, suffix))
      for folder in [pair.second.path, pair.secondKernel.path, "renamed-project", "kraft-b"] {
        #expect(bytes.range(of: Data(folder.utf8)) == nil, "'\(folder)' is in \(pair.image)\(suffix)")
      }
    }
  }

  @Test func theManifestDescribesTheImageAndHowToRebuildIt() async throws {
    let pair = try await ReleasePair.helloworld.value
    let json = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: pair.manifest)) as? [String: Any])
    let image = try #require(json["image"] as? [String: Any])
    let bytes = try Data(contentsOf: pair.output(pair.first.url))
    #expect(image["size"] as? Int == bytes.count)
    #expect((image["sha256"] as? String)?.count == 64)
    #expect(json["sourceDateEpoch"] as? Int == 0)
    let project = try #require(json["project"] as? [String: Any])
    let files = try #require(project["files"] as? [[String: Any]]).compactMap { $0["path"] as? String }
    #expect(files == ["Kraftfile", "Kraftfile.release.lock", "main.c"])
    #expect(project["directory"] as? String == "../..")
    let libraries = try #require(json["kernelLibraries"] as? [[String: Any]]).compactMap {
      $0["name"] as? String
    }
    #expect(libraries.contains("kcore") && libraries.contains("nolibc"))
    let rebuild = try #require(json["rebuild"] as? [String: Any])
    #expect(
      rebuild["arguments"] as? [String] == [
        "kraft", "build", "--release", "-K", "Kraftfile", "-t", pair.target,
      ])
    #expect(rebuild["environment"] as? [String: String] == ["SOURCE_DATE_EPOCH": "0"])
    let toolchain = try #require(json["toolchain"] as? [String: String])
    #expect(toolchain["compiler"]?.contains("clang version") == true)
    #expect(toolchain["linker"]?.contains("LLD") == true)

    let bom = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: pair.output(pair.first.url, ".spdx.json")))
        as? [String: Any])
    #expect(bom["spdxVersion"] as? String == "SPDX-2.3")
    let names = try #require(bom["packages"] as? [[String: Any]]).compactMap { $0["name"] as? String }
    #expect(names.contains(pair.image) && names.contains("kcore"))
  }

  @Test func verifyConfirmsTheRelease() async throws {
    let pair = try await ReleasePair.helloworld.value
    #expect(pair.firstBuild.status == 0, "first release build:\n\(pair.firstBuild.output)")
    // From another folder, with the manifest's path relative to it.
    let run = try pair.kraft(["verify", ".unikraft/build/\(pair.image).release.json"], in: pair.first.url)
    #expect(run.status == 0, "kraft verify:\n\(run.output)")
    #expect(run.stdout.contains("identical: \(pair.image)\n"))
    #expect(run.stdout.contains("identical: \(pair.image).dbg\n"))
    #expect(run.stdout.contains("verified: \(pair.image)"))
  }

  @Test(
    .enabled(
      if: ReleaseShell.canChangeHostName,
      "another host name needs a UTS namespace (unshare --uts); the builds differed in HOSTNAME only"))
  func theSecondBuildRanUnderAnotherHostName() async throws {
    let pair = try await ReleasePair.helloworld.value
    #expect(pair.secondHostName == "kraft-release-other")
    #expect(pair.secondHostName != ProcessInfo.processInfo.hostName)
  }

  /// On the second copy, one change at a time: a byte of main.c, then a kconfig value.
  @Test func verifyDetectsAnAlteredInput() async throws {
    let pair = try await ReleasePair.helloworld.value
    #expect(pair.secondBuild.status == 0, "second release build:\n\(pair.secondBuild.output)")
    let manifest = pair.output(pair.second, ".release.json").path

    let main = pair.second.appendingPathComponent("main.c")
    let original = try String(contentsOf: main, encoding: .utf8)
    try original.replacingOccurrences(of: "Hello, world!", with: "Hello, World!")
      .write(to: main, atomically: true, encoding: .utf8)
    let altered = try pair.kraft(["verify", manifest], in: pair.second, kernel: pair.secondKernel)
    #expect(altered.status == 76, "kraft verify after changing main.c:\n\(altered.output)")
    #expect(altered.stderr.contains("did not reproduce"))
    #expect(altered.stderr.contains("first differing byte of the file at offset 0x"))
    #expect(altered.stderr.contains("first differing section '."))
    #expect(altered.stderr.contains("input 'main.c' changed"))
    try original.write(to: main, atomically: true, encoding: .utf8)

    let kraftfile = pair.second.appendingPathComponent("Kraftfile")
    let text = try String(contentsOf: kraftfile, encoding: .utf8)
    try (text + "\nkconfig:\n  CONFIG_ALLOC_BUDDY_MAX_ORDER: 17\n")
      .write(to: kraftfile, atomically: true, encoding: .utf8)
    let option = try pair.kraft(["verify", manifest], in: pair.second, kernel: pair.secondKernel)
    #expect(option.status == 76, "kraft verify after changing an option:\n\(option.output)")
    #expect(option.stderr.contains("first differing section '."))
    #expect(option.stderr.contains("input 'Kraftfile' changed"))
    try text.write(to: kraftfile, atomically: true, encoding: .utf8)

    let restored = try pair.kraft(["verify", manifest], in: pair.second, kernel: pair.secondKernel)
    #expect(restored.status == 0, "kraft verify after restoring:\n\(restored.output)")
  }
}

/// Release mode's refusals; only an allowed toolchain change goes on to build.
@Suite struct ReleaseRefusalTests {
  @Test func aPortWithoutALockEntryIsNamed() throws {
    let project = try ScratchProject(copying: "examples/musl-rootfs")
    let run = try KraftProcess.run(["build", "--release"], in: project.url)
    #expect(run.status == 65, "kraft build --release:\n\(run.output)")
    #expect(run.stderr.contains("missing or incomplete: 'musl'"))
  }

  @Test(.tags(.slow), .slowTier) func anotherToolchainIsAnErrorUnlessAllowed() throws {
    let project = try ScratchProject(copying: "examples/helloworld")
    let lock = """
      {
        "formatVersion" : 1,
        "sourceDateEpoch" : 0,
        "toolchains" : {
          "x86_64" : {
            "compiler" : "clang version 1.0.0",
            "family" : "clang",
            "linker" : "LLD 1.0.0",
            "objcopy" : "llvm-objcopy, compatible with GNU objcopy"
          }
        }
      }

      """
    let lockURL = project.url.appendingPathComponent("Kraftfile.release.lock")
    try lock.write(to: lockURL, atomically: true, encoding: .utf8)
    let refused = try KraftProcess.run(["build", "--release", "--dry-run"], in: project.url)
    #expect(refused.status == 76, "kraft build --release:\n\(refused.output)")
    #expect(refused.stderr.contains("compiler: 'clang version 1.0.0', now 'clang version"))
    #expect(refused.stderr.contains("--allow-toolchain-change"))
    #expect(try String(contentsOf: lockURL, encoding: .utf8) == lock)

    let allowed = try KraftProcess.run(
      ["build", "--release", "--allow-toolchain-change", "-t", "qemu/x86_64"], in: project.url)
    #expect(allowed.status == 0, "kraft build --release --allow-toolchain-change:\n\(allowed.output)")
    let recorded = try String(contentsOf: lockURL, encoding: .utf8)
    #expect(recorded != lock && recorded.contains("\"compiler\" : \"clang version"))
    #expect(allowed.stdout.contains("pinned the toolchain"))
  }
}

/// The musl example with a rootfs (1387 compilations and an initrd) built twice in release
/// mode, and verified: the slowest tests here, a few minutes of compiling on two cores.
@Suite(.tags(.slow), .slowTier) struct ReleaseMuslTests {
  @Test func muslImagesAreByteIdentical() async throws {
    try ReleaseBuildTests.expectIdentical(try await ReleasePair.musl.value)
  }

  @Test func theManifestPinsMuslFromTheLock() async throws {
    let pair = try await ReleasePair.musl.value
    let json = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: pair.manifest)) as? [String: Any])
    let ports = try #require(json["ports"] as? [[String: Any]])
    let musl = try #require(ports.first { $0["name"] as? String == "musl" })
    #expect(musl["version"] as? String == "1.2.3")
    #expect(musl["url"] as? String == "https://musl.libc.org/releases/musl-1.2.3.tar.gz")
    let pin = try #require(musl["pin"] as? [String: String])
    #expect(pin["archiveSHA256"] == "7d5b0b6062521e4627e099e4c9dc8248d32a30285e959b7eecaa780cf8cfd4a4")
    #expect(pin["treeHash"]?.hasPrefix("sha256:") == true)
    #expect((musl["patches"] as? [[String: Any]])?.isEmpty == false)
    let bom = try String(contentsOf: pair.output(pair.first.url, ".spdx.json"), encoding: .utf8)
    #expect(bom.contains("\"downloadLocation\" : \"https://musl.libc.org/releases/musl-1.2.3.tar.gz\""))
  }

  /// A fresh copy of the first project, built through the compile cache, takes musl whole
  /// from the prebuilt store (hard links to the entry the first build stored), and its image
  /// is byte-identical to the pair's: the second build's kernel folder is another, so the
  /// store could not answer it and it compiled musl. Costs one warm build.
  @Test(
    .enabled(
      if: FileManager.default.isExecutableFile(atPath: "/usr/bin/ccache"),
      "the prebuilt store comes with the compile cache, which needs ccache"))
  func aCopyReusingMuslFromThePrebuiltStoreIsByteIdentical() async throws {
    let pair = try await ReleasePair.musl.value
    #expect(pair.firstBuild.status == 0 && pair.secondBuild.status == 0)
    // (`reused kernel (N objects), musl (M objects)` names musl so when it was reused.)
    #expect(!pair.secondBuild.stdout.contains(" musl ("), "\(pair.secondBuild.stdout)")
    let copy = pair.first.url.deletingLastPathComponent().appendingPathComponent("reusing-copy")
    try FileManager.default.copyItem(at: pair.first.url, to: copy)
    try FileManager.default.removeItem(at: copy.appendingPathComponent(".unikraft/build"))
    let build = try ReleaseShell.run(
      ["build", "--release", "-t", pair.target], in: copy, umask: "022", hostname: nil,
      environment: ["KRAFT_KERNEL_DIR": pair.firstKernel.path, "KRAFT_COMPILE_CACHE": "on"])
    #expect(build.status == 0, "\(build.output)")
    #expect(build.stdout.contains(" musl ("), "\(build.stdout)")
    for suffix in ["", ".dbg"] {
      let reused = try Data(contentsOf: pair.output(copy, suffix))
      #expect(reused == (try Data(contentsOf: pair.output(pair.second, suffix))), "'\(suffix)' differs")
    }
  }

  @Test func verifyConfirmsTheMuslRelease() async throws {
    let pair = try await ReleasePair.musl.value
    #expect(pair.firstBuild.status == 0, "first release build:\n\(pair.firstBuild.output)")
    let run = try pair.kraft(["verify", pair.manifest.path], in: pair.first.url)
    #expect(run.status == 0, "kraft verify:\n\(run.output)")
    #expect(run.stdout.contains("identical: musl-rootfs.initrd"))
    #expect(run.stdout.contains("verified: \(pair.image)"))
  }
}
