import Foundation
import KraftTestSupport
import Testing

/// scripts/install.sh into a temporary prefix, then the installed `kraft`, started by name from
/// `PATH` in a folder that has nothing to do with the source tree, builds and boots an example:
/// kraft finds its kernel and ports from its own binary, not from where it was started.
@Suite(.tags(.slow), .slowTier) struct InstallTests {
  @Test func installedKraftBuildsAndBootsFromAnUnrelatedFolder() throws {
    let base = FileManager.default.temporaryDirectory.appendingPathComponent(
      "kraft-install-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: base) }
    let prefix = base.appendingPathComponent("prefix").path
    let repository = URL(fileURLWithPath: #filePath)
      .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let install = try Self.run(
      [
        "bash", repository.path + "/scripts/install.sh", "--prefix", prefix, "--binary",
        KraftProcess.binary.path,
      ],
      in: base.path, prefix: prefix)
    #expect(install.status == 0, "install.sh:\n\(install.output)")
    for file in [
      "share/kraft/Kernel/include/kraft/abi.h", "share/kraft/Ports/musl/port.yaml",
      "share/kraft/Kraftfile.schema", "share/bash-completion/completions/kraft",
      "share/zsh/site-functions/_kraft", "share/fish/vendor_completions.d/kraft.fish",
    ] {
      #expect(FileManager.default.fileExists(atPath: prefix + "/" + file), "\(file) not installed")
    }
    let manual = try String(contentsOfFile: prefix + "/share/man/man1/kraft.1", encoding: .utf8)
    #expect(manual.hasPrefix(".TH \"KRAFT\" \"1\""))
    #expect(manual.contains(".SH \"KRAFT PORT NEW\""))

    let project = base.appendingPathComponent("work/helloworld")
    try FileManager.default.createDirectory(
      at: project.deletingLastPathComponent(), withIntermediateDirectories: true)
    try FileManager.default.copyItem(
      at: repository.appendingPathComponent("examples/helloworld"), to: project)
    try? FileManager.default.removeItem(at: project.appendingPathComponent(".unikraft"))

    let list = try Self.run(["kraft", "port", "list"], in: project.path, prefix: prefix)
    #expect(list.status == 0, "kraft port list:\n\(list.output)")
    #expect(list.stdout.contains("musl") && list.stdout.contains("builtin"), "\(list.output)")
    #expect(!list.stderr.contains("warning"), "\(list.stderr)")

    let build = try Self.run(["kraft", "build", "-t", "qemu/x86_64"], in: project.path, prefix: prefix)
    #expect(build.status == 0, "kraft build:\n\(build.output)")
    let boot = try Self.run(
      ["kraft", "run", "-t", "qemu/x86_64", "--timeout", "60"], in: project.path, prefix: prefix)
    #expect(boot.status == 0, "kraft run:\n\(boot.output)")
    #expect(boot.stdout.contains("Hello, world!"))

    // Without its Ports/ the installed kraft says so instead of listing fewer ports.
    try FileManager.default.removeItem(atPath: prefix + "/share/kraft/Ports")
    let bare = try Self.run(["kraft", "port", "list"], in: project.path, prefix: prefix)
    #expect(bare.stderr.contains("built-in ports are missing"), "\(bare.output)")
    #expect(bare.stderr.contains(prefix + "/share/kraft/Ports"), "\(bare.output)")
  }

  struct Result {
    var status: Int32
    var stdout: String
    var stderr: String
    var output: String { stdout + stderr }
  }

  /// Runs `arguments` through `env` with `prefix/bin` first on `PATH`, so `kraft` is started by
  /// name as a user's shell would, and without the variables that point kraft at a kernel or
  /// ports explicitly.
  static func run(_ arguments: [String], in directory: String, prefix: String) throws -> Result {
    var environment = ProcessInfo.processInfo.environment
    environment["PATH"] = prefix + "/bin:" + (environment["PATH"] ?? "/usr/bin:/bin")
    for name in ["KRAFT_KERNEL_DIR", "KRAFT_PORTS_PATH", "KRAFT_BINARY"] { environment[name] = nil }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    process.environment = environment
    process.standardInput = FileHandle.nullDevice
    let outFile = NSTemporaryDirectory() + "/kraft-out-\(UUID().uuidString)"
    let errFile = NSTemporaryDirectory() + "/kraft-err-\(UUID().uuidString)"
    FileManager.default.createFile(atPath: outFile, contents: nil)
    FileManager.default.createFile(atPath: errFile, contents: nil)
    defer {
      try? FileManager.default.removeItem(atPath: outFile)
      try? FileManager.default.removeItem(atPath: errFile)
    }
    process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outFile))
    process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errFile))
    try process.run()
    process.waitUntilExit()
    return Result(
      status: process.terminationStatus,
      stdout: (try? String(contentsOfFile: outFile, encoding: .utf8)) ?? "",
      stderr: (try? String(contentsOfFile: errFile, encoding: .utf8)) ?? "")
  }
}
