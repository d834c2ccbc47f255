import Foundation
import KraftTestSupport
import Testing

/// The end-to-end check, as a user would do it: `kraft init`, `kraft port add openssl`,
/// the example program, `kraft build`, `kraft run`; the digests it prints must equal the host
/// `openssl dgst` of the same file. Then OpenSSL's own known-answer vectors (from the fetched
/// source) run inside the unikernel.
///
/// OpenSSL with musl is about 2,000 compilations, so the project is built once per test run:
/// the known-answer program replaces the example's `main.c` in the same project, and the
/// rebuild compiles only that file (the port's objects are reused).
final class OpenSSLProject: @unchecked Sendable {
  struct Phase {
    var build: KraftProcess.Result
    var run: KraftProcess.Result?
  }

  let root: URL
  let project: URL
  let add: KraftProcess.Result
  let addZlib: KraftProcess.Result
  let example: Phase
  let knownAnswers: Phase
  /// zlib, the second shipped port, in the same image: its own round-trip program.
  let zlib: Phase
  /// The vector files run by the known-answer phase (their names in the rootfs).
  let vectorFiles = ["evpmd_sha.txt", "evpmac_common.txt", "evpciph_aes_common.txt", "evppkey_ecx.txt"]

  static let repository = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  init() throws {
    root = FileManager.default.temporaryDirectory.appendingPathComponent(
      "kraft-openssl-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    project = root.appendingPathComponent("app")
    let manager = FileManager.default
    let kernel = ["KRAFT_KERNEL_DIR": Self.repository.appendingPathComponent("Kernel").path]

    _ = try KraftProcess.run(["init", "app"], in: root, environment: kernel)
    add = try KraftProcess.run(["port", "add", "openssl"], in: project, environment: kernel, timeout: 600)
    try Self.require(add, "kraft port add openssl")
    // Listed before the first build: its exported include folder is part of every compile
    // command, so adding it later would rebuild everything.
    addZlib = try KraftProcess.run(["port", "add", "zlib"], in: project, environment: kernel, timeout: 600)

    // The example's program and rootfs, and its arguments, in the new project.
    let source = Self.repository.appendingPathComponent("examples/openssl")
    try manager.removeItem(at: project.appendingPathComponent("main.c"))
    try manager.copyItem(
      at: source.appendingPathComponent("main.c"), to: project.appendingPathComponent("main.c"))
    try manager.copyItem(
      at: source.appendingPathComponent("rootfs"), to: project.appendingPathComponent("rootfs"))
    let kraftfile = project.appendingPathComponent("Kraftfile")
    let text = try String(contentsOf: kraftfile, encoding: .utf8)
    try (text + "\nrootfs: ./rootfs\ncmd: [\"/data/message.txt\"]\n").write(
      to: kraftfile, atomically: true, encoding: .utf8)

    let firstBuild = try KraftProcess.run(
      ["build", "-t", "qemu/x86_64"], in: project, environment: kernel, timeout: 3600)
    example = Phase(
      build: firstBuild,
      run: firstBuild.status == 0
        ? try KraftProcess.run(
          ["run", "-t", "qemu/x86_64", "--timeout", "120"], in: project, environment: kernel)
        : nil)

    // The known-answer program, with OpenSSL's vectors from the fetched source (an editable
    // copy of the port, made by kraft itself) in the rootfs.
    let checkout = root.appendingPathComponent("openssl-src")
    let edit = try KraftProcess.run(
      ["port", "edit", "openssl", "--into", checkout.path], in: project, environment: kernel,
      timeout: 600)
    try Self.require(edit, "kraft port edit openssl")
    let vectors = checkout.appendingPathComponent("test/recipes/30-test_evp_data")
    let kat = project.appendingPathComponent("rootfs/kat")
    try manager.createDirectory(at: kat, withIntermediateDirectories: true)
    for file in vectorFiles {
      try manager.copyItem(
        at: vectors.appendingPathComponent(file), to: kat.appendingPathComponent(file))
    }
    try manager.removeItem(at: project.appendingPathComponent("main.c"))
    try manager.copyItem(
      at: Self.repository.appendingPathComponent("Tests/Images/openssl-kat/main.c"),
      to: project.appendingPathComponent("main.c"))
    let secondBuild = try KraftProcess.run(
      ["build", "-t", "qemu/x86_64"], in: project, environment: kernel, timeout: 3600)
    knownAnswers = Phase(
      build: secondBuild,
      run: secondBuild.status == 0
        ? try KraftProcess.run(
          ["run", "-t", "qemu/x86_64", "--timeout", "300", "--"] + vectorFiles.map { "/kat/" + $0 },
          in: project, environment: kernel, timeout: 400)
        : nil)

    try manager.removeItem(at: project.appendingPathComponent("main.c"))
    try manager.copyItem(
      at: Self.repository.appendingPathComponent("Ports/zlib/tests/roundtrip.c"),
      to: project.appendingPathComponent("main.c"))
    let thirdBuild = try KraftProcess.run(
      ["build", "-t", "qemu/x86_64"], in: project, environment: kernel, timeout: 3600)
    zlib = Phase(
      build: thirdBuild,
      run: thirdBuild.status == 0
        ? try KraftProcess.run(
          ["run", "-t", "qemu/x86_64", "--timeout", "120"], in: project, environment: kernel)
        : nil)
  }

  deinit { try? FileManager.default.removeItem(at: root) }

  struct StepFailed: Error, CustomStringConvertible {
    var description: String
  }

  /// Stops the fixture with the command's own output (e.g. no mirror for the upstream archive:
  /// scripts/test.sh builds one from Debian's source packages and sets KRAFT_MIRRORS).
  static func require(_ result: KraftProcess.Result, _ what: String) throws {
    guard result.status == 0 else {
      throw StepFailed(description: "\(what) failed (status \(result.status)):\n\(result.output)")
    }
  }

  static let shared = SharedFixture { try OpenSSLProject() }
}

@Suite(.tags(.slow), .slowTier) struct PortOpenSSLBootTests {
  /// `openssl dgst` on the host, e.g. `SHA2-256(<path>)= <hex>`, reduced to the hex.
  static func hostDigest(_ arguments: [String], file: URL) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["openssl", "dgst"] + arguments + ["-r", file.path]
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    // `-r` prints `<hex> *<path>`.
    return String(decoding: data, as: UTF8.self).split(separator: " ").first.map(String.init) ?? ""
  }

  /// The hex after `label(` ... `)= ` on the guest's output.
  static func guestDigest(_ label: String, in output: String) -> String? {
    for line in output.split(separator: "\n") where line.hasPrefix(label + "(") {
      return line.components(separatedBy: ")= ").last.map { $0.trimmingCharacters(in: .whitespaces) }
    }
    return nil
  }

  @Test func portAddListsOpenSSLAndTheLibcAndLocksThem() async throws {
    let built = try await OpenSSLProject.shared.value
    #expect(built.add.status == 0, "kraft port add:\n\(built.add.output)")
    let kraftfile = try String(
      contentsOf: built.project.appendingPathComponent("Kraftfile"), encoding: .utf8)
    #expect(built.addZlib.status == 0, "kraft port add zlib:\n\(built.addZlib.output)")
    #expect(kraftfile.contains("libraries:\n  openssl:\n  musl:\n  zlib:\n"))
    let lock = try String(
      contentsOf: built.project.appendingPathComponent("Kraftfile.lock"), encoding: .utf8)
    #expect(lock.contains("c80a01dfc70ece4dc21168932c37739042d404d46ccc81a5986dd75314ecda6f"))
  }

  @Test func exampleDigestsMatchTheHost() async throws {
    let built = try await OpenSSLProject.shared.value
    #expect(built.example.build.status == 0, "kraft build:\n\(built.example.build.output)")
    let run = try #require(built.example.run)
    #expect(run.status == 0, "kraft run:\n\(run.output)")
    let file = built.project.appendingPathComponent("rootfs/data/message.txt")
    let sha = try Self.hostDigest(["-sha256"], file: file)
    let hmac = try Self.hostDigest(["-sha256", "-hmac", "kraft-example-key"], file: file)
    #expect(sha.count == 64)
    #expect(Self.guestDigest("SHA2-256", in: run.stdout) == sha, "\(run.stdout)")
    #expect(Self.guestDigest("HMAC-SHA2-256", in: run.stdout) == hmac, "\(run.stdout)")
    #expect(run.stdout.contains("aes-256-gcm: round trip ok"))
    #expect(run.stdout.contains("ed25519: signature verifies, tampered signature rejected"))
  }

  @Test func openSSLKnownAnswerTestsPassInsideTheUnikernel() async throws {
    let built = try await OpenSSLProject.shared.value
    #expect(built.knownAnswers.build.status == 0, "kraft build:\n\(built.knownAnswers.build.output)")
    #expect(
      built.knownAnswers.build.stdout.contains("compiled 1 files"), "\(built.knownAnswers.build.stdout)")
    let run = try #require(built.knownAnswers.run)
    #expect(run.status == 0, "kraft run:\n\(run.output)")
    for file in built.vectorFiles {
      #expect(run.stdout.contains("PASS \(file): "), "\(file):\n\(run.stdout)")
    }
    #expect(run.stdout.contains(" passed, 0 failed"), "\(run.stdout)")
  }

  @Test func zlibRoundTripsInsideTheUnikernel() async throws {
    let built = try await OpenSSLProject.shared.value
    #expect(built.zlib.build.status == 0, "kraft build:\n\(built.zlib.build.output)")
    // Only the swapped program was compiled: the ports' objects were reused.
    #expect(built.zlib.build.stdout.contains("compiled 1 files"), "\(built.zlib.build.stdout)")
    let run = try #require(built.zlib.run)
    #expect(run.status == 0, "kraft run:\n\(run.output)")
    #expect(run.stdout.contains("round trip ok"))
    #expect(run.stdout.contains("adler32=091e01de crc32=cbf43926"))
  }
}
