import Foundation
import KraftTestSupport
import Testing

/// `kraft pkg` on a real release build of two targets (qemu/x86_64 and qemu/arm64), read back
/// by independent OCI tools: skopeo (the image, the index, a tar of the layout) and umoci (a
/// target's files unpacked as kraftkit expects them). The project is built once per run.
@Suite(.tags(.slow), .slowTier) struct PkgCommandTests {
  final class ReleasedProject: @unchecked Sendable {
    let scratch: ScratchProject
    let build: KraftProcess.Result

    init() throws {
      scratch = try ScratchProject(copying: "examples/helloworld")
      let kraftfile = scratch.url.appendingPathComponent("Kraftfile")
      let text = try String(contentsOf: kraftfile, encoding: .utf8)
      guard let range = text.range(of: #"(?m)^targets:\n(  - .*\n?)+"#, options: .regularExpression)
      else { throw PackError(description: "no 'targets:' list in examples/helloworld/Kraftfile") }
      try text.replacingCharacters(in: range, with: "targets:\n  - qemu/x86_64\n  - qemu/arm64\n")
        .write(to: kraftfile, atomically: true, encoding: .utf8)
      build = try KraftProcess.run(["build", "--release"], in: scratch.url, timeout: 600)
    }

    var url: URL { scratch.url }
    var scratchFolder: URL { scratch.url.deletingLastPathComponent() }

    func image(_ target: String) throws -> Data {
      try Data(contentsOf: url.appendingPathComponent(".unikraft/build/helloworld_\(target)"))
    }

    static let shared = SharedFixture { try ReleasedProject() }
  }

  struct PackError: Error, CustomStringConvertible { var description: String }

  func released() async throws -> ReleasedProject {
    let project = try await ReleasedProject.shared.value
    try #require(project.build.status == 0, "kraft build --release failed:\n\(project.build.output)")
    return project
  }

  /// Runs `kraft pkg ...`, requires success, and returns the index digest it printed.
  func pack(_ arguments: [String], _ project: ReleasedProject, environment: [String: String] = [:])
    throws -> String
  {
    let result = try KraftProcess.run(["pkg"] + arguments, in: project.url, environment: environment)
    try #require(result.status == 0, "kraft pkg \(arguments) failed:\n\(result.output)")
    let firstLine = try #require(result.stdout.split(separator: "\n").first)
    return String(try #require(firstLine.split(separator: " ").last))
  }

  func tool(_ arguments: [String]) throws -> String {
    let output = try HostTool.output(arguments)
    return try #require(output, "\(arguments.joined(separator: " ")) failed")
  }

  @Test func aReleasePacksToTheSameDigestTwiceAndSkopeoReadsIt() async throws {
    let project = try await released()
    let first = project.scratchFolder.appendingPathComponent("oci-first").path
    let second = project.scratchFolder.appendingPathComponent("oci-second").path
    let digest = try pack(["--output", "oci:" + first], project)
    #expect(try pack(["--output", "oci:" + second], project) == digest)
    #expect(digest.hasPrefix("sha256:"))
    #expect(
      try Data(contentsOf: URL(fileURLWithPath: first + "/index.json"))
        == Data(contentsOf: URL(fileURLWithPath: second + "/index.json")))

    // The multi-platform index, as skopeo reads it.
    let raw = try tool(["skopeo", "inspect", "--raw", "oci:\(first):latest"])
    let index = try #require(
      try JSONSerialization.jsonObject(with: Data(raw.utf8)) as? [String: Any])
    let platforms = (index["manifests"] as? [[String: Any]] ?? []).compactMap {
      $0["platform"] as? [String: Any]
    }.map { "\($0["os"] ?? "")/\($0["architecture"] ?? "")" }
    #expect(platforms == ["qemu/arm64", "qemu/x86_64"])

    // One target's image: skopeo picks it from the index by platform, or by its own tag.
    let picked = try tool([
      "skopeo", "inspect", "--override-os", "qemu", "--override-arch", "arm64", "oci:\(first):latest",
    ])
    #expect(picked.contains(#""Architecture": "arm64""#) && picked.contains(#""Os": "qemu""#))
    let tagged = try tool(["skopeo", "inspect", "oci:\(first):latest-qemu-x86_64"])
    #expect(tagged.contains(#""Architecture": "x86_64""#))
    #expect(tagged.contains(#""Created": "#))
  }

  @Test func umociUnpacksTheKernelWhereKraftkitLooksForIt() async throws {
    let project = try await released()
    let layout = project.scratchFolder.appendingPathComponent("oci-umoci").path
    _ = try pack(["--output", "oci:" + layout], project)
    #expect(try HostTool.status(["umoci", "stat", "--image", layout + ":latest-qemu-arm64"]) == 0)
    let rootfs = project.scratchFolder.appendingPathComponent("umoci-rootfs").path
    #expect(
      try HostTool.status([
        "umoci", "raw", "unpack", "--rootless", "--image", layout + ":latest-qemu-arm64", rootfs,
      ]) == 0)
    let kernel = try Data(contentsOf: URL(fileURLWithPath: rootfs + "/unikraft/bin/kernel"))
    #expect(kernel == (try project.image("qemu-arm64")))
    let config = try String(contentsOfFile: rootfs + "/unikraft/bin/config", encoding: .utf8)
    #expect(config.contains("CONFIG_LIBARCH_ARM64=y"))
  }

  @Test func kraftkitsDbgArgsAndNoKConfigFlagsShapeTheImage() async throws {
    let project = try await released()
    let layout = project.scratchFolder.appendingPathComponent("oci-dbg").path
    _ = try pack(
      ["-o", "oci:" + layout, "--dbg", "-a", "hello", "-a", "world", "--no-kconfig", "-t", "qemu/x86_64"],
      project)
    let config = try tool(["skopeo", "inspect", "--config", "oci:\(layout):latest-qemu-x86_64"])
    #expect(config.contains(#""Cmd": ["#) && config.contains(#""world""#))
    let rootfs = project.scratchFolder.appendingPathComponent("dbg-rootfs").path
    #expect(
      try HostTool.status([
        "umoci", "raw", "unpack", "--rootless", "--image", layout + ":latest-qemu-x86_64", rootfs,
      ]) == 0)
    #expect(try FileManager.default.contentsOfDirectory(atPath: rootfs + "/unikraft/bin") == ["kernel"])
    let kernel = try Data(contentsOf: URL(fileURLWithPath: rootfs + "/unikraft/bin/kernel"))
    #expect(kernel == (try project.image("qemu-x86_64.dbg")))
  }

  @Test func aTarOutputIsTheSameLayoutInOneReproducibleFile() async throws {
    let project = try await released()
    let first = project.scratchFolder.appendingPathComponent("first.tar").path
    let second = project.scratchFolder.appendingPathComponent("second.tar").path
    let digest = try pack(["--output", "tar:" + first], project)
    #expect(try pack(["--output", "tar:" + second], project) == digest)
    #expect(
      try Data(contentsOf: URL(fileURLWithPath: first))
        == Data(contentsOf: URL(fileURLWithPath: second)))
    #expect(!FileManager.default.fileExists(atPath: first + ".kraft-partial"))
    let inspected = try tool([
      "skopeo", "inspect", "--override-os", "qemu", "--override-arch", "x86_64",
      "oci-archive:\(first):latest",
    ])
    #expect(inspected.contains(#""Digest": "\#(digest)""#))
  }

  @Test func theStoreListsAndRemovesPackagesWithTheirReferrers() async throws {
    let project = try await released()
    let cache = project.scratchFolder.appendingPathComponent("pkg-cache").path
    try FileManager.default.createDirectory(atPath: cache, withIntermediateDirectories: true)
    chmod(cache, 0o755)  // whatever the umask: a cache anyone may write is refused
    let environment = ["KRAFT_CACHE_DIR": cache]
    let digest = try pack(["--name", "demo/hello:1.0"], project, environment: environment)

    let listed = try KraftProcess.run(["pkg", "ls"], in: project.url, environment: environment)
    #expect(listed.status == 0)
    let line = try #require(listed.stdout.split(separator: "\n").first { $0.hasPrefix("demo/hello:1.0") })
    #expect(line.contains(String(digest.prefix(19))) && line.contains("qemu/arm64,qemu/x86_64"))
    // The release manifests and SBOMs are in the store as referrers (unnamed entries).
    let indexJSON = try String(contentsOfFile: cache + "/oci/index.json", encoding: .utf8)
    #expect(indexJSON.components(separatedBy: "application/vnd.kraft.release.v1+json").count == 3)
    #expect(indexJSON.components(separatedBy: "application/spdx+json").count == 3)

    let removed = try KraftProcess.run(
      ["pkg", "rm", "demo/hello:1.0"], in: project.url, environment: environment)
    #expect(removed.status == 0, "\(removed.output)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: cache + "/oci/blobs/sha256").isEmpty)
    let empty = try KraftProcess.run(["pkg", "ls"], in: project.url, environment: environment)
    #expect(empty.stdout.hasPrefix("no packages"))
    let again = try KraftProcess.run(
      ["pkg", "rm", "demo/hello:1.0"], in: project.url, environment: environment)
    #expect(again.status != 0 && again.stderr.contains("no package 'demo/hello:1.0'"))
  }

  @Test func anUnbuiltTargetIsRefusedNamingTheFix() throws {
    let project = try ScratchProject(copying: "examples/helloworld")
    let result = try KraftProcess.run(["pkg", "-t", "qemu/x86_64"], in: project.url)
    #expect(result.status != 0)
    #expect(result.stderr.contains("kraft build -t qemu/x86_64"))
  }
}
