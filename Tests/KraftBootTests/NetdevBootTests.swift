import Foundation
import KraftTestSupport
import Testing

/// The network drivers booted for real: the `netdev-ping` image (Tests/Images/netdev-ping) sends
/// an ARP request and an ICMP echo to QEMU user networking's gateway through the netdev API and
/// waits for the replies on receive notifications, which only the device interrupt raises. QEMU
/// is started here with the NIC (virtio-net over PCI on `pc`, over MMIO on `microvm` and arm64
/// `virt`), on the image `kraft build` made.
@Suite(.tags(.slow), .slowTier) struct NetdevBootTests {
  struct Machine: CustomStringConvertible, Sendable {
    var description: String
    var target: String
    var qemu: String
    var arguments: [String]
    /// QEMU's exit status for application status 0 (V = 1, kraft/abi.h): isa-debug-exit
    /// turns V into (V << 1) | 1, semihosting exits with V itself.
    var passStatus: Int32
    /// The interrupt line the driver should report ("irq N").
    var irq: String
  }

  static let image = SharedFixture { try BuiltImageProject(copying: "Tests/Images/netdev-ping") }

  static let x86Exit = ["-device", "isa-debug-exit,iobase=0xf4,iosize=0x01"]
  /// QEMU's virtio-mmio is legacy (version 1) unless told otherwise; the driver speaks 1.x.
  static let modernMMIO = ["-global", "virtio-mmio.force-legacy=false"]
  static let machines = [
    // MSI-X to the local APIC: the first message, kraft/irq.h number 48 (vector 80).
    Machine(
      description: "pc (virtio-net-pci, MSI-X)", target: "qemu/x86_64", qemu: "qemu-system-x86_64",
      arguments: ["-M", "pc"] + x86Exit + ["-device", "virtio-net-pci,netdev=n0,romfile="],
      passStatus: 3, irq: "irq 48"),
    // Without an MSI-X table, PCI INTx through the 8259 PIC (the slave, whose EOI the kernel
    // still sends; the master ends its own), on the line SeaBIOS assigned.
    Machine(
      description: "pc (virtio-net-pci, INTx)", target: "qemu/x86_64", qemu: "qemu-system-x86_64",
      arguments: ["-M", "pc"] + x86Exit + ["-device", "virtio-net-pci,netdev=n0,romfile=,vectors=0"],
      passStatus: 3, irq: "irq 11"),
    // Without ACPI, microvm names its devices on the command line (as Firecracker does) and
    // wires them to the PIC's IRQs 5-12.
    Machine(
      description: "microvm (virtio-net-device, command line)", target: "fc/x86_64",
      qemu: "qemu-system-x86_64",
      arguments: ["-M", "microvm,acpi=off"] + x86Exit + modernMMIO + [
        "-device", "virtio-net-device,netdev=n0",
      ],
      passStatus: 3, irq: "irq 12"),
    // With ACPI, microvm's transports hang off a second IOAPIC (GSIs 24-47); the last one,
    // which QEMU fills first, is named on the command line by hand.
    Machine(
      description: "microvm (second IOAPIC)", target: "fc/x86_64", qemu: "qemu-system-x86_64",
      arguments: ["-M", "microvm"] + x86Exit + modernMMIO + [
        "-device", "virtio-net-device,netdev=n0", "-append",
        "loglevel=info virtio_mmio.device=512@0xfeb02e00:47 --",
      ], passStatus: 3, irq: "irq 47"),
    // The device tree's virtio,mmio nodes, GIC SPIs.
    Machine(
      description: "virt (GICv2)", target: "qemu/arm64", qemu: "qemu-system-aarch64",
      arguments: ["-M", "virt", "-cpu", "cortex-a57", "-semihosting"] + modernMMIO + [
        "-device", "virtio-net-device,netdev=n0",
      ], passStatus: 1, irq: "irq 79"),
    Machine(
      description: "virt (GICv3)", target: "qemu/arm64", qemu: "qemu-system-aarch64",
      arguments: ["-M", "virt,gic-version=3", "-cpu", "cortex-a57", "-semihosting"] + modernMMIO + [
        "-device", "virtio-net-device,netdev=n0",
      ], passStatus: 1, irq: "irq 79"),
  ]

  @Test(arguments: machines)
  func arpAndPingThroughTheGateway(machine: Machine) async throws {
    let project = try await Self.image.value
    try project.requireBuilt()
    let name = "netdev-ping_" + machine.target.replacingOccurrences(of: "/", with: "-")
    let image = project.project.url.appendingPathComponent(".unikraft/build/" + name)
    var arguments =
      machine.arguments + [
        "-netdev", "user,id=n0", "-display", "none", "-serial", "stdio", "-monitor", "none",
        "-no-reboot", "-m", "64", "-kernel", image.path,
      ]
    if !arguments.contains("-append") { arguments += ["-append", "loglevel=info --"] }
    let run = try HostProcess.run(machine.qemu, arguments)
    let lines = KernelImages.lines(run.stdout)

    for step in [
      "netdev registered", "first device is eth0", "arp request sent", "arp reply from 10.0.2.2",
      "icmp echo sent", "icmp echo reply from 10.0.2.2", "echo payload came back unchanged",
      "woken by receive notifications",
    ] {
      #expect(lines.contains("PASS " + step), "\(machine): no 'PASS \(step)' in:\n\(run.output)")
    }
    #expect(!lines.contains { $0.hasPrefix("FAIL ") }, "\(run.output)")
    #expect(
      lines.contains { $0.contains("eth0: virtio-net at") && $0.contains(machine.irq + ",") },
      "\(machine): the driver did not report \(machine.irq):\n\(run.output)")
    #expect(run.status == machine.passStatus, "QEMU exited \(run.status):\n\(run.output)")
  }

  /// Reads frames from a second tap (no offloads, so Linux completes a partial checksum before
  /// handing a frame over) and prints the first UDP datagram's checksum verification: 0xffff
  /// when the checksum the guest's device filled in is right.
  static let tapReader = """
    import fcntl, os, select, struct
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, 0x400454ca, struct.pack("16sH", b"tap1", 0x0002 | 0x1000))
    for c in ["ip addr add 10.0.3.1/24 dev tap1", "ip link set tap1 up",
              "ip neigh add 10.0.3.2 lladdr 02:00:00:00:00:02 dev tap1"]:
        assert os.system(c) == 0, c
    print("ready", flush=True)
    def fold(b):
        b += b"\\0" * (len(b) % 2)
        s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
        while s >> 16: s = (s & 0xffff) + (s >> 16)
        return s
    while select.select([fd], [], [], 100)[0]:
        f = os.read(fd, 2048)
        if len(f) < 42 or f[12:14] != b"\\x08\\x00" or f[23] != 17: continue
        udp = f[34:14 + struct.unpack("!H", f[16:18])[0]]
        pseudo = f[26:34] + struct.pack("!BBH", 0, 17, len(udp))
        print("udp checksum sums to %#06x" % fold(pseudo + udp), flush=True)
        break
    """

  /// Over a tap device QEMU passes virtio-net headers through, so the device offers checksum
  /// offload both ways and the driver takes it (features bits 0 and 1). A UDP datagram sent
  /// with a garbage checksum is routed by the namespace to a second tap, where its checksum must
  /// come out right. The test makes its own network namespace and sends only inside it.
  @Test(.enabled(if: getuid() == 0, "needs root for a network namespace and a tap device"))
  func overATapChecksumOffloadIsNegotiatedAndCorrect() async throws {
    let project = try await Self.image.value
    try project.requireBuilt()
    let namespace = TestNamespace()
    defer { namespace.remove() }
    try namespace.create(tap: "tap0", hostAddress: "10.0.2.2/24")
    try namespace.run(inside: ["sysctl", "-qw", "net.ipv4.ip_forward=1"])
    let reader = Process()
    reader.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    reader.arguments = namespace.exec + ["python3", "-c", Self.tapReader]
    let readerOutput = Pipe()
    reader.standardOutput = readerOutput
    try reader.run()
    defer { if reader.isRunning { reader.terminate() } }
    // Wait for tap1 to be up, so the forwarded datagram has somewhere to go.
    let ready = readerOutput.fileHandleForReading.availableData
    try #require(String(decoding: ready, as: UTF8.self).contains("ready"))
    let image = project.project.url.appendingPathComponent(".unikraft/build/netdev-ping_qemu-x86_64")
    let run = try HostProcess.run(
      "ip",
      Array(namespace.exec.dropFirst()) + [
        "qemu-system-x86_64", "-M", "pc", "-device",
        "isa-debug-exit,iobase=0xf4,iosize=0x01", "-netdev", "tap,id=n0,ifname=tap0,script=no,downscript=no",
        "-device", "virtio-net-pci,netdev=n0,romfile=", "-display", "none", "-serial", "stdio", "-monitor",
        "none",
        "-no-reboot", "-m", "64", "-kernel", image.path, "-append", "loglevel=info -- udp-to-10.0.3.2",
      ])
    let lines = KernelImages.lines(run.stdout)
    let features = try #require(
      lines.first { $0.contains("eth0: virtio-net at") }.flatMap {
        $0.components(separatedBy: "features 0x").last
      },
      "no driver line in:\n\(run.output)")
    let bits = try #require(UInt64(features, radix: 16), "\(features)")
    #expect(bits & 0b11 == 0b11, "CSUM and GUEST_CSUM not both negotiated: 0x\(features)")
    #expect(lines.contains("PASS icmp echo reply from 10.0.2.2"), "\(run.output)")
    #expect(lines.contains("PASS udp sent"), "\(run.output)")
    reader.waitUntilExit()
    let verdict = String(decoding: readerOutput.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    #expect(verdict.contains("udp checksum sums to 0xffff"), "the forwarded datagram: \(verdict)")
    #expect(run.status == 3, "QEMU exited \(run.status):\n\(run.output)")
  }
}
