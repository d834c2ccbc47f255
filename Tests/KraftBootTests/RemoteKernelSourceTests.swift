import Foundation
import KraftTestSupport
import Testing

/// `unikraft:` pointing at a git repository: kraft fetches that kernel through libgit2 into the
/// source cache, pins the commit in `Kraftfile.lock`, builds from it (not from the kernel
/// beside the kraft binary) and the image boots.
@Suite(.tags(.slow), .slowTier) struct RemoteKernelSourceTests {
  @Test func kernelFromAGitTagIsFetchedLockedAndBooted() throws {
    let scratch = FileManager.default.temporaryDirectory
      .appendingPathComponent("kraft-remote-kernel-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: scratch) }
    let repository = scratch.appendingPathComponent("kernel")
    let cache = scratch.appendingPathComponent("cache")
    try FileManager.default.createDirectory(at: repository, withIntermediateDirectories: true)
    let root = URL(fileURLWithPath: #filePath)
      .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    try FileManager.default.copyItem(
      at: root.appendingPathComponent("Kernel"), to: repository.appendingPathComponent("Kernel"))
    for arguments in [
      ["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "kernel"], ["tag", "v1"],
    ] {
      _ = try git(arguments, in: repository)
    }
    let commit = try git(["rev-parse", "v1^{commit}"], in: repository)
      .trimmingCharacters(in: .whitespacesAndNewlines)

    let project = try ScratchProject(copying: "examples/helloworld")
    let kraftfile = project.url.appendingPathComponent("Kraftfile")
    let text = try String(contentsOf: kraftfile, encoding: .utf8)
    #expect(text.contains("unikraft: stable"))
    try text.replacingOccurrences(
      of: "unikraft: stable", with: "unikraft: file://\(repository.path)?tag=v1"
    ).write(to: kraftfile, atomically: true, encoding: .utf8)

    let environment = ["KRAFT_CACHE_DIR": cache.path]
    let build = try KraftProcess.run(
      ["build", "-t", "qemu/x86_64"], in: project.url, environment: environment)
    #expect(build.status == 0, "\(build.output)")

    let lock = try String(
      contentsOf: project.url.appendingPathComponent("Kraftfile.lock"), encoding: .utf8)
    #expect(lock.contains("unikraft"))
    #expect(lock.contains(commit))
    // The compile commands name sources inside the cache, never the repository's own Kernel/.
    let ninja = try String(
      contentsOf: project.url.appendingPathComponent(".unikraft/build/qemu-x86_64/build.ninja"),
      encoding: .utf8)
    #expect(ninja.contains(cache.path))
    #expect(!ninja.contains(root.appendingPathComponent("Kernel").path + "/"))

    let run = try KraftProcess.run(
      ["run", "-t", "qemu/x86_64"], in: project.url, environment: environment, timeout: 120)
    #expect(run.status == 0, "\(run.output)")
    #expect(run.stdout.contains("Hello, world!"))
  }

  private func git(_ arguments: [String], in directory: URL) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/git")
    process.arguments = ["-c", "user.name=kraft", "-c", "user.email=kraft@localhost"] + arguments
    process.currentDirectoryURL = directory
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw CocoaError(.executableLoad, userInfo: ["git": arguments.joined(separator: " ")])
    }
    return String(decoding: data, as: UTF8.self)
  }
}
