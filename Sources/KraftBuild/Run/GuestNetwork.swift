import KraftModel

/// A host port forwarded to a guest port through QEMU's user network (`-p`).
public struct PortForward: Hashable, Sendable, Codable {
  public enum Transport: String, Hashable, Sendable, Codable, CaseIterable {
    case tcp, udp
  }

  /// The host address QEMU listens on: loopback unless the user names one.
  public var hostAddress: String
  public var hostPort: Int
  public var guestPort: Int
  public var transport: Transport

  public init(hostAddress: String = "127.0.0.1", hostPort: Int, guestPort: Int, transport: Transport = .tcp) {
    self.hostAddress = hostAddress
    self.hostPort = hostPort
    self.guestPort = guestPort
    self.transport = transport
  }

  /// QEMU's `hostfwd=` rule; the guest address is left out (QEMU's default guest, 10.0.2.15).
  public var qemuRule: String {
    "\(transport.rawValue):\(hostAddress):\(hostPort)-:\(guestPort)"
  }
}

/// The guest's static IPv4 configuration as Unikraft's `netdev.ip=` spells it:
/// `ADDRESS[/PREFIX][:GATEWAY[:DNS0[:DNS1]]]`.
public struct StaticAddress: Hashable, Sendable, Codable {
  public var text: String

  public init(text: String) { self.text = text }

  public static let kernelArgumentPrefix = "netdev.ip="

  public var kernelArgument: String { Self.kernelArgumentPrefix + text }

  /// What QEMU's user network hands out: the guest is 10.0.2.15, the gateway (the host)
  /// 10.0.2.2 and QEMU's DNS resolver 10.0.2.3.
  public static let userNetwork = StaticAddress(text: "10.0.2.15/24:10.0.2.2:10.0.2.3")
}

/// How a guest's one virtio-net device reaches the host. No `GuestNetwork` at all means no
/// network device, exactly as images without a network stack have always booted.
public enum GuestNetwork: Hashable, Sendable, Codable {
  /// QEMU's user network (slirp): outbound traffic and DNS through QEMU, inbound only through
  /// the forwarded ports. Needs no privileges.
  case user(forwards: [PortForward])
  /// An existing tap device on the host (`--network tap:NAME`): the guest is on a real link.
  case tap(name: String, address: StaticAddress?)
  /// A host bridge, joined through QEMU's bridge helper (`--network bridge:NAME` or kraftkit's
  /// `--network NAME`); the helper must allow the bridge (/etc/qemu/bridge.conf).
  case bridge(name: String, address: StaticAddress?)

  /// The static address the guest is told through `netdev.ip=`, when kraft knows it.
  public var staticAddress: StaticAddress? {
    switch self {
    case .user: return .userNetwork
    case .tap(_, let address), .bridge(_, let address): return address
    }
  }

  /// `-netdev` for QEMU, under the id the device refers to.
  func qemuBackend(id: String) -> String {
    switch self {
    case .user(let forwards):
      return (["user", "id=" + id] + forwards.map { "hostfwd=" + $0.qemuRule }).joined(separator: ",")
    case .tap(let name, _):
      // kraft neither configures nor removes the device: the user (or the test) owns it.
      return "tap,id=\(id),ifname=\(name),script=no,downscript=no"
    case .bridge(let name, _):
      return "bridge,id=\(id),br=\(name)"
    }
  }

  /// The virtio-net device on each machine: PCI on `pc`, MMIO on `microvm` and arm64 `virt`.
  /// `romfile=` keeps SeaBIOS from loading the iPXE boot ROM (a boot-time cost, and it would
  /// probe the NIC before the kernel).
  static func qemuDevice(for target: Target, backend id: String) -> String {
    switch (target.architecture, target.platform) {
    case (.x86_64, .firecracker), (.arm64, _): return "virtio-net-device,netdev=\(id)"
    case (.x86_64, _): return "virtio-net-pci,netdev=\(id),romfile="
    }
  }

  /// QEMU's arguments for the device and its backend. QEMU's virtio-mmio devices are legacy
  /// (version 1) unless told otherwise; the kernel's driver speaks virtio 1.x only.
  public func qemuArguments(for target: Target) -> [String] {
    let id = "net0"
    let device = Self.qemuDevice(for: target, backend: id)
    let modernMMIO =
      device.hasPrefix("virtio-net-device") ? ["-global", "virtio-mmio.force-legacy=false"] : []
    return modernMMIO + ["-netdev", qemuBackend(id: id), "-device", device]
  }
}
