import Foundation
import KraftTestSupport
import Testing

/// lwIP over the virtio-net driver, booted with QEMU user networking (Tests/Images/net-qemu-user):
/// the address from QEMU's DHCP server or from `netdev.ip=`, /etc/resolv.conf written from it,
/// ICMP echo to the gateway 10.0.2.2 through a raw socket, and UDP and TCP echo with servers this
/// test runs on the host's loopback (QEMU forwards 10.0.2.2:<port> to 127.0.0.1:<port>). QEMU
/// is started here with the NIC, on the images `kraft build` made.
@Suite(.serialized, .tags(.slow), .slowTier) struct NetQemuUserTests {
  struct Machine: CustomStringConvertible, Sendable {
    var description: String
    var target: String
    var qemu: String
    var arguments: [String]
    /// QEMU's exit status for application status 0 (see NetdevBootTests).
    var passStatus: Int32
  }

  static let image = Result {
    try BuiltImageProject(copying: "Tests/Images/net-qemu-user", timeout: 3600)
  }

  static let machines = [
    Machine(
      description: "pc (virtio-net-pci)", target: "qemu/x86_64", qemu: "qemu-system-x86_64",
      arguments: [
        "-M", "pc", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x01", "-device",
        "virtio-net-pci,netdev=n0,romfile=",
      ], passStatus: 3),
    Machine(
      description: "virt (virtio-net-device)", target: "qemu/arm64", qemu: "qemu-system-aarch64",
      arguments: [
        "-M", "virt", "-cpu", "cortex-a57", "-semihosting", "-global",
        "virtio-mmio.force-legacy=false", "-device", "virtio-net-device,netdev=n0",
      ], passStatus: 1),
  ]

  /// UDP and TCP echo servers on the host's loopback, in a python3 child process; they stop
  /// when the process is killed.
  final class EchoServers {
    let process = Process()
    let udpPort: String
    let tcpPort: String

    static let script = """
      import os, socket, sys, threading
      u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 0))
      t = socket.socket(); t.bind(("127.0.0.1", 0)); t.listen(8)
      with open(sys.argv[1] + ".tmp", "w") as f: f.write(f"{u.getsockname()[1]} {t.getsockname()[1]}\\n")
      os.rename(sys.argv[1] + ".tmp", sys.argv[1])
      def udp():
          while True:
              d, a = u.recvfrom(65536); u.sendto(d, a)
      def echo(c):
          while d := c.recv(65536): c.sendall(d)
          c.close()
      threading.Thread(target=udp, daemon=True).start()
      while True:
          c, _ = t.accept(); threading.Thread(target=echo, args=(c,), daemon=True).start()
      """

    /// The child writes its ports to a file (read by polling: a pipe read here could wait for
    /// ever on a child that never answers).
    init() throws {
      let portsFile = FileManager.default.temporaryDirectory.appendingPathComponent(
        "kraft-echo-\(UUID().uuidString)")
      defer { try? FileManager.default.removeItem(at: portsFile) }
      process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
      process.arguments = ["python3", "-c", Self.script, portsFile.path]
      try process.run()
      var ports: [String] = []
      for _ in 0..<100 where ports.count != 2 {
        Thread.sleep(forTimeInterval: 0.1)
        let text = (try? String(contentsOf: portsFile, encoding: .utf8)) ?? ""
        if text.hasSuffix("\n") {
          ports = text.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        }
      }
      guard ports.count == 2 else {
        kill(process.processIdentifier, SIGKILL)
        throw EchoServersFailed(description: "the echo servers did not start")
      }
      (udpPort, tcpPort) = (ports[0], ports[1])
    }

    deinit {
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
    }
  }

  struct EchoServersFailed: Error, CustomStringConvertible { var description: String }

  func boot(_ machine: Machine, kernelArguments: String, expectedAddress: String) throws
    -> KraftProcess.Result
  {
    let project = try Self.image.get()
    try project.requireBuilt()
    let servers = try EchoServers()
    let name = "net-qemu-user_" + machine.target.replacingOccurrences(of: "/", with: "-")
    let image = project.project.url.appendingPathComponent(".unikraft/build/" + name)
    return try HostProcess.run(
      machine.qemu,
      machine.arguments + [
        "-netdev", "user,id=n0", "-display", "none", "-serial", "stdio", "-monitor", "none",
        "-no-reboot", "-m", "128", "-kernel", image.path, "-append",
        "\(kernelArguments) -- \(servers.udpPort) \(servers.tcpPort) \(expectedAddress)",
      ], timeout: 300)
  }

  func expectAllPassed(_ run: KraftProcess.Result, _ machine: Machine, address: String) {
    let lines = KernelImages.lines(run.stdout)
    for check in [
      "address \(address)", "resolv.conf names QEMU's DNS 10.0.2.3", "icmp echo reply from 10.0.2.2",
      "udp echo through the host", "tcp echo through the host 262144 bytes",
    ] {
      #expect(lines.contains("PASS " + check), "\(machine): no 'PASS \(check)' in:\n\(run.output)")
    }
    #expect(lines.contains("net-qemu-user: 0 failures"), "\(run.output)")
    #expect(run.status == machine.passStatus, "QEMU exited \(run.status):\n\(run.output)")
  }

  @Test(arguments: machines) func dhcpPingUdpAndTcpThroughQemu(machine: Machine) throws {
    let run = try boot(machine, kernelArguments: "loglevel=info", expectedAddress: "10.0.2.15")
    expectAllPassed(run, machine, address: "10.0.2.15")
  }

  /// Unikraft's `netdev.ip=<addr>/<prefix>:<gateway>:<dns>` instead of DHCP.
  @Test(arguments: machines) func staticAddressFromTheCommandLine(machine: Machine) throws {
    let run = try boot(
      machine, kernelArguments: "loglevel=info netdev.ip=10.0.2.20/24:10.0.2.2:10.0.2.3",
      expectedAddress: "10.0.2.20")
    expectAllPassed(run, machine, address: "10.0.2.20")
  }
}
