import Foundation
import KraftTestSupport
import Testing

/// Sharing between targets without the compile cache (`SharedObjects`): helloworld's two
/// x86_64 targets (qemu and fc) built together compile what they share once, and each image
/// is byte-identical to the one its target builds alone.
@Suite(.serialized, .tags(.slow), .slowTier)
struct SharedObjectsBuildTests {
  @Test func twoTargetsOfOneArchitectureCompileSharedFilesOnceAndLinkTheSameImages() throws {
    let scratch = try CompileCacheBuildTests.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: scratch) }
    let project = try ScratchProject(copying: "examples/helloworld")
    let environment = ["KRAFT_CACHE_DIR": scratch.appendingPathComponent("cache").path]
    let output = project.url.appendingPathComponent(".unikraft/build")

    let together = try KraftProcess.run(
      ["build", "--no-compile-cache"], in: project.url, environment: environment)
    #expect(together.status == 0, "\(together.output)")
    let shared = try Self.compileEdges(output.appendingPathComponent("shared.ninja"))
    let own = try ["qemu-x86_64", "fc-x86_64"].map {
      try Self.compileEdges(output.appendingPathComponent("\($0)/build.ninja"))
    }
    // Most of the kernel and the application are shared; each platform keeps its own files.
    #expect(shared > 20 && own.allSatisfy { $0 > 0 } && own.allSatisfy { $0 < shared }, "\(shared) \(own)")
    #expect(together.stdout.contains("compiled \(shared + own[0] + own[1]) files"), "\(together.stdout)")
    let images = try ["qemu-x86_64", "fc-x86_64"].map {
      try Data(contentsOf: output.appendingPathComponent("helloworld_\($0)"))
    }

    for (index, target) in ["qemu/x86_64", "fc/x86_64"].enumerated() {
      let alone = try KraftProcess.run(
        ["build", "-t", target, "--no-cache", "--no-compile-cache"], in: project.url, environment: environment
      )
      #expect(alone.status == 0, "\(alone.output)")
      #expect(alone.stdout.contains("compiled \(shared + own[index]) files"), "\(alone.stdout)")
      let key = target.replacingOccurrences(of: "/", with: "-")
      #expect(
        try Data(contentsOf: output.appendingPathComponent("helloworld_\(key)")) == images[index], "\(target)"
      )
    }
  }

  /// `build` lines of a ninja file that compile.
  static func compileEdges(_ file: URL) throws -> Int {
    try String(contentsOf: file, encoding: .utf8).split(separator: "\n")
      .filter { $0.hasPrefix("build ") && $0.contains(": compile_") }.count
  }
}
