import Foundation
import KraftTestSupport
import Testing

/// Sockets inside the unikernel over lwIP's loopback interface (Tests/Images/net-loopback: the
/// lwip port, the kernel's posix-socket library, musl's socket calls), built with `kraft build`
/// and booted with `kraft run` on each QEMU target. The image prints one PASS line per check
/// and exits with the number of failed checks.
enum NetLoopbackImage {
  static let repository = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  static let folder = "Tests/Images/net-loopback"

  struct Boot {
    var build: KraftProcess.Result
    var run: KraftProcess.Result?
  }

  /// A copy of the image's folder built and booted for target (the copy goes with `scratch`),
  /// under `acceleration` (KRAFT_ACCELERATION: the tests' TCG unless a test asks for KVM).
  static func boot(_ target: String, acceleration: String = "tcg") throws -> Boot {
    let scratch = try ScratchProject(copying: folder)
    let project = scratch.url
    defer { withExtendedLifetime(scratch) {} }  // the folder lives until the boot is done
    let kernel = ["KRAFT_KERNEL_DIR": repository.appendingPathComponent("Kernel").path]
    let build = try KraftProcess.run(
      ["build", "-t", target], in: project, environment: kernel, timeout: 3600)
    guard build.status == 0 else { return Boot(build: build, run: nil) }
    let run = try KraftProcess.run(
      ["run", "-t", target, "--timeout", "300"], in: project,
      environment: kernel.merging(["KRAFT_ACCELERATION": acceleration]) { $1 }, timeout: 400)
    return Boot(build: build, run: run)
  }

  /// Every check the image makes, by the name its PASS line starts with.
  static let checks = [
    "tcp-echo 16 clients", "udp round trip", "poll readiness", "select", "epoll and eventfd",
    "epoll ready queue",
    "nonblocking accept and connect", "rcvtimeo", "half-close", "transfer 8388608 bytes",
    "getaddrinfo localhost and numeric", "ipv6 loopback", "idle-timers", "writev on sockets",
  ]
}

@Suite(.serialized, .tags(.slow), .slowTier) struct NetLoopbackTests {
  @Test(arguments: ["qemu/x86_64", "qemu/arm64"]) func socketsOverLoopback(on target: String)
    throws
  {
    try expectEveryCheckPasses(NetLoopbackImage.boot(target))
  }

  /// The same checks under KVM, where kraft's own probe finds that KVM works and is not slower
  /// than TCG (a real machine's KVM; the nested KVM of some CI machines is neither).
  @Test(.enabled(if: KVMOnThisMachine.preferred, "kraft's acceleration probe does not pick KVM here"))
  func socketsOverLoopbackUnderKVM() throws {
    try expectEveryCheckPasses(NetLoopbackImage.boot("qemu/x86_64", acceleration: "kvm"))
  }

  private func expectEveryCheckPasses(_ boot: NetLoopbackImage.Boot) throws {
    #expect(boot.build.status == 0, "kraft build:\n\(boot.build.output)")
    let run = try #require(boot.run, "the image did not build")
    #expect(run.status == 0, "\(run.output)")
    for check in NetLoopbackImage.checks {
      #expect(run.stdout.contains("PASS \(check)"), "no PASS \(check):\n\(run.output)")
    }
    #expect(!run.stdout.contains("FAIL"), "\(run.output)")
    #expect(run.stdout.contains("net-loopback: 0 failures"), "\(run.output)")
  }
}
