import Foundation
import KraftTestSupport
import Testing

/// OpenSSL on the musl port for arm64: `examples/openssl` built for `qemu/arm64` and booted
/// under QEMU `virt`; its digests must equal the host's `openssl dgst` of the same file, as on
/// x86_64 (PortOpenSSLBootTests).
@Suite(.tags(.slow), .slowTier) struct PortOpenSSLArm64BootTests {
  @Test func exampleDigestsMatchTheHostOnArm64() throws {
    let project = try ScratchProject(copying: "examples/openssl")
    let kraftfile = project.url.appendingPathComponent("Kraftfile")
    let text = try String(contentsOf: kraftfile, encoding: .utf8)
    #expect(text.contains("  - qemu/x86_64"))
    try text.replacingOccurrences(of: "  - qemu/x86_64", with: "  - qemu/arm64")
      .write(to: kraftfile, atomically: true, encoding: .utf8)

    let build = try KraftProcess.run(["build"], in: project.url, timeout: 3600)
    try #require(build.status == 0, "kraft build:\n\(build.output)")
    let run = try KraftProcess.run(
      ["run", "-t", "qemu/arm64", "--timeout", "300"], in: project.url, timeout: 400)
    #expect(run.status == 0, "kraft run:\n\(run.output)")

    let file = project.url.appendingPathComponent("rootfs/data/message.txt")
    let sha = try PortOpenSSLBootTests.hostDigest(["-sha256"], file: file)
    let hmac = try PortOpenSSLBootTests.hostDigest(
      ["-sha256", "-hmac", "kraft-example-key"], file: file)
    #expect(sha.count == 64)
    #expect(PortOpenSSLBootTests.guestDigest("SHA2-256", in: run.stdout) == sha, "\(run.stdout)")
    #expect(PortOpenSSLBootTests.guestDigest("HMAC-SHA2-256", in: run.stdout) == hmac)
    #expect(run.stdout.contains("aes-256-gcm: round trip ok"))
    #expect(run.stdout.contains("ed25519: signature verifies, tampered signature rejected"))
  }
}
