import Foundation
import KraftTestSupport
import Testing

/// `kraft pkg pull` brings a release's referrers (release manifest and SBOM) along, and
/// `kraft verify REF` rebuilds the package from them, against Debian's docker-registry 2.8 on
/// loopback (no referrers API: the referrers travel in the tag schema's `sha256-<hex>` index).
/// Uses the release build PkgCommandTests shares; each verify rebuilds qemu/x86_64 once.
@Suite(
  .tags(.slow), .slowTier,
  .enabled(
    if: LoopbackRegistry.isInstalled, "needs docker-registry, htpasswd and openssl (scripts/install-deps.sh)")
)
struct RegistryVerifyTests {
  @Test func pullBringsTheReferrersAndVerifyRebuildsAndCatchesATamperedKernel() async throws {
    let project = try await PkgCommandTests.ReleasedProject.shared.value
    try #require(project.build.status == 0, "kraft build --release failed:\n\(project.build.output)")
    let scratch = try RegistryTests.scratchFolder()
    defer { try? FileManager.default.removeItem(at: scratch) }
    let registry = try LoopbackRegistry(folder: scratch.appendingPathComponent("registry"), tls: false)
    defer { registry.stop() }
    let store = ["KRAFT_CACHE_DIR": scratch.appendingPathComponent("store").path]
    let honest = "\(registry.address)/apps/hello:1.0"
    let pack = try KraftProcess.run(["pkg", "--name", honest], in: project.url, environment: store)
    try #require(pack.status == 0, "kraft pkg:\n\(pack.output)")
    let push = try KraftProcess.run(["pkg", "push", honest], in: project.url, environment: store)
    try #require(push.status == 0, "kraft pkg push:\n\(push.output)")
    // distribution 2.8 has no referrers API: kraft listed them under the tag schema's tags.
    let tags = try RegistryTests.shellOutput("curl -s http://\(registry.address)/v2/apps/hello/tags/list")
    #expect(tags.components(separatedBy: "\"sha256-").count == 3, "\(tags)")

    // The same release packed and pushed again: the same digest, nothing sent or stored.
    let repack = try KraftProcess.run(["pkg", "--name", honest], in: project.url, environment: store)
    try #require(repack.status == 0, "kraft pkg again:\n\(repack.output)")
    let again = try KraftProcess.run(["pkg", "push", honest], in: project.url, environment: store)
    let digest = { (output: String) in
      output.range(of: "sha256:[0-9a-f]{64}", options: .regularExpression).map { String(output[$0]) }
    }
    #expect(
      again.status == 0 && digest(push.stdout) != nil && digest(again.stdout) == digest(push.stdout),
      "second push:\n\(again.output)\nfirst push:\n\(push.stdout)")
    #expect(
      again.stdout.contains("uploaded 0 blobs (0 bytes)") && again.stdout.contains(", 0 manifests stored"),
      "second push:\n\(again.output)")

    // Pulled into an empty store with both platforms' release manifest and SBOM.
    let pullCache = scratch.appendingPathComponent("pull")
    let pull = try KraftProcess.run(
      ["pkg", "pull", honest], in: scratch, environment: ["KRAFT_CACHE_DIR": pullCache.path])
    #expect(pull.status == 0 && pull.stdout.contains(", 4 referrers"), "kraft pkg pull:\n\(pull.output)")
    let pulled = try RegistryTests.storeContents(pullCache, name: honest)
    #expect(pulled.blobsMatch && pulled.blobs >= 13, "\(pulled)")

    let verify = try KraftProcess.run(
      ["verify", honest, "--project", project.url.path, "--plat", "qemu", "-m", "x86_64"], in: scratch,
      environment: ["KRAFT_CACHE_DIR": scratch.appendingPathComponent("verify").path], timeout: 600)
    #expect(verify.status == 0, "kraft verify REF:\n\(verify.output)")
    for file in [
      "helloworld_qemu-x86_64", "helloworld_qemu-x86_64.release.json", "helloworld_qemu-x86_64.spdx.json",
    ] {
      #expect(verify.stdout.contains("identical: \(file)\n"), "\(verify.output)")
    }
    #expect(verify.stdout.contains("verified: \(honest)"), "\(verify.output)")

    // A forged release: the kernel changed after the build and its release manifest edited
    // to match, so kraft pkg attaches it and every digest in the registry is consistent.
    // Only the rebuild tells.
    let forgedProject = scratch.appendingPathComponent("forged")
    try FileManager.default.copyItem(at: project.url, to: forgedProject)
    let output = forgedProject.appendingPathComponent(".unikraft/build")
    let kernelFile = output.appendingPathComponent("helloworld_qemu-x86_64")
    var kernel = try Data(contentsOf: kernelFile)
    kernel[kernel.count / 2] ^= 0x01
    try kernel.write(to: kernelFile)
    let manifestFile = output.appendingPathComponent("helloworld_qemu-x86_64.release.json")
    var manifest = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: manifestFile)) as? [String: Any])
    var image = try #require(manifest["image"] as? [String: Any])
    image["sha256"] = String(try RegistryTests.shellOutput("sha256sum '\(kernelFile.path)'").prefix(64))
    manifest["image"] = image
    try JSONSerialization.data(withJSONObject: manifest, options: [.sortedKeys]).write(to: manifestFile)
    let forged = "\(registry.address)/apps/hello:forged"
    let forgedPack = try KraftProcess.run(
      ["pkg", "--name", forged, "-t", "qemu/x86_64"], in: forgedProject, environment: store)
    try #require(forgedPack.status == 0, "kraft pkg:\n\(forgedPack.output)")
    let forgedPush = try KraftProcess.run(["pkg", "push", forged], in: forgedProject, environment: store)
    try #require(forgedPush.status == 0, "kraft pkg push:\n\(forgedPush.output)")

    let caught = try KraftProcess.run(
      ["verify", forged, "--project", project.url.path], in: scratch,
      environment: ["KRAFT_CACHE_DIR": scratch.appendingPathComponent("verify-forged").path], timeout: 600)
    #expect(caught.status == 76, "kraft verify REF:\n\(caught.output)")
    #expect(caught.stderr.contains("did not verify"), "\(caught.output)")
    #expect(caught.stderr.contains("'helloworld_qemu-x86_64' differs: same size"), "\(caught.output)")
    #expect(
      caught.stderr.contains("the package holds other bytes than these sources build"), "\(caught.output)")
  }
}
