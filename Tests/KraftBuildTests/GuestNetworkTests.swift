import Foundation
import KraftBasics
import KraftBuild
import KraftModel
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `kraft run`'s network: how -p and --network are read, which NIC each machine gets, and the
/// errors for values kraft cannot use.
@Suite struct GuestNetworkTests {
  let everyQemu = ExecutableLocator(
    searchPath: ["/bin"], isExecutable: { $0.hasPrefix("/bin/qemu-system-") })

  func arguments(_ target: Target, _ network: GuestNetwork?, kernelArguments: [String] = []) throws
    -> [String]
  {
    let request = RunRequest(
      target: target, image: "/img", kernelArguments: kernelArguments, network: network)
    return try VirtualMachineCommand(locator: everyQemu).monitor(for: request, scratchDirectory: "/s")
      .command.arguments
  }

  static func value(after flag: String, in arguments: [String]) -> String? {
    arguments.firstIndex(of: flag).map { arguments[$0 + 1] }
  }

  @Test func portsParseAsKraftkitSpellsThem() throws {
    #expect(
      try GuestNetworkOptions.parsePort("8080:80")
        == PortForward(hostAddress: "127.0.0.1", hostPort: 8080, guestPort: 80, transport: .tcp))
    #expect(try GuestNetworkOptions.parsePort("5353:53/udp").transport == .udp)
    #expect(try GuestNetworkOptions.parsePort("8080:80/TCP").transport == .tcp)
    let everywhere = try GuestNetworkOptions.parsePort("0.0.0.0:8443:443/tcp")
    #expect(everywhere.hostAddress == "0.0.0.0")
    #expect(everywhere.qemuRule == "tcp:0.0.0.0:8443-:443")
    for bad in [
      "8080", "8080:", ":80", "0:80", "8080:65536", "8080:80/sctp", "a:1:2", "::1:80:80", "8080:+80",
      "1.2.3:8080:80", "256.0.0.1:8080:80", "1:2:3:4",
    ] {
      let error = #expect(throws: NetworkOptionError.self, "\(bad)") {
        try GuestNetworkOptions.parsePort(bad)
      }
      #expect(error?.message.contains("'\(bad)'") == true)
      #expect(error?.kind == .usage)
    }
  }

  @Test func theSameHostPortTwiceIsRefusedButTcpAndUdpMayShareIt() throws {
    #expect(try GuestNetworkOptions.parsePorts(["53:53", "53:53/udp"]).count == 2)
    let error = #expect(throws: NetworkOptionError.self) {
      try GuestNetworkOptions.parsePorts(["8080:80", "8080:81"])
    }
    #expect(error?.message.contains("both publish host port 8080/tcp") == true)
  }

  @Test func networkNamesADriverAndOptionallyAnAddress() throws {
    #expect(try GuestNetworkOptions.parseNetwork("tap:tap0") == .tap(name: "tap0", address: nil))
    #expect(try GuestNetworkOptions.parseNetwork("bridge:kraft0") == .bridge(name: "kraft0", address: nil))
    // kraftkit's form: a bridge's name, then the guest's address, gateway and resolvers.
    #expect(
      try GuestNetworkOptions.parseNetwork("kraft0:172.44.0.2/24:172.44.0.1")
        == .bridge(name: "kraft0", address: StaticAddress(text: "172.44.0.2/24:172.44.0.1")))
    #expect(
      try GuestNetworkOptions.parseNetwork("tap:tap0:10.1.0.2/16:10.1.0.1:10.1.0.1")
        == .tap(name: "tap0", address: StaticAddress(text: "10.1.0.2/16:10.1.0.1:10.1.0.1")))
    for bad in [
      "", "tap:", "user", "tap:a/b", "tap:tap0:10.1.0.2/33", "tap:tap0:host", "averyveryverylongname",
      "tap:tap0:1.2.3.4:5.6.7.8:1.1.1.1:2.2.2.2:3.3.3.3",
    ] {
      #expect(throws: NetworkOptionError.self, "\(bad)") { try GuestNetworkOptions.parseNetwork(bad) }
    }
  }

  @Test func aNicIsAttachedOnlyWhenAskedForOrTheImageHasANetworkDriver() throws {
    #expect(try GuestNetworkOptions.resolve(ports: [], network: nil, imageHasNetworkDriver: false) == nil)
    #expect(
      try GuestNetworkOptions.resolve(ports: [], network: nil, imageHasNetworkDriver: true)
        == .user(forwards: []))
    #expect(
      try GuestNetworkOptions.resolve(ports: ["8080:80"], network: nil, imageHasNetworkDriver: false)
        == .user(forwards: [PortForward(hostPort: 8080, guestPort: 80)]))
    #expect(
      try GuestNetworkOptions.resolve(ports: [], network: "tap:t0", imageHasNetworkDriver: true)
        == .tap(name: "t0", address: nil))
    let both = #expect(throws: NetworkOptionError.self) {
      try GuestNetworkOptions.resolve(ports: ["8080:80"], network: "tap:t0", imageHasNetworkDriver: true)
    }
    #expect(both?.message.contains("'-p 8080:80'") == true)
  }

  @Test func withoutANetworkTheCommandIsAsBefore() throws {
    let arguments = try arguments(Target(platform: .qemu, architecture: .x86_64), nil)
    #expect(Self.value(after: "-nic", in: arguments) == "none")
    #expect(!arguments.contains("-netdev"))
    #expect(!arguments.contains("-append"))
  }

  @Test func eachMachineGetsItsVirtioNetTransport() throws {
    let network = GuestNetwork.user(forwards: [PortForward(hostPort: 18080, guestPort: 8080)])
    let cases: [(Target, String)] = [
      (Target(platform: .qemu, architecture: .x86_64), "virtio-net-pci,netdev=net0,romfile="),
      (Target(platform: .firecracker, architecture: .x86_64), "virtio-net-device,netdev=net0"),
      (Target(platform: .qemu, architecture: .arm64), "virtio-net-device,netdev=net0"),
    ]
    for (target, device) in cases {
      let arguments = try arguments(target, network)
      #expect(
        Self.value(after: "-netdev", in: arguments) == "user,id=net0,hostfwd=tcp:127.0.0.1:18080-:8080",
        "\(target.shortForm)")
      #expect(arguments.filter { $0 == "-device" }.count >= 1)
      #expect(arguments.contains(device), "\(target.shortForm)")
      #expect(!arguments.contains("-nic"), "\(target.shortForm)")
      // virtio-mmio in its 1.x form, which the driver speaks; PCI is modern by default.
      #expect(
        arguments.contains("virtio-mmio.force-legacy=false") == device.hasPrefix("virtio-net-device"),
        "\(target.shortForm)")
      // The guest learns QEMU's user-network addresses on its command line.
      #expect(Self.value(after: "-append", in: arguments) == "netdev.ip=10.0.2.15/24:10.0.2.2:10.0.2.3 --")
    }
  }

  @Test func microvmNamesItsDevicesOnTheCommandLineWhenItHasANic() throws {
    let microvm = Target(platform: .firecracker, architecture: .x86_64)
    #expect(Self.value(after: "-M", in: try arguments(microvm, nil)) == "microvm")
    #expect(Self.value(after: "-M", in: try arguments(microvm, .user(forwards: []))) == "microvm,acpi=off")
  }

  @Test func tapAndBridgeBackends() throws {
    let pc = Target(platform: .qemu, architecture: .x86_64)
    let tap = try arguments(pc, .tap(name: "tap7", address: StaticAddress(text: "172.44.0.2/24:172.44.0.1")))
    #expect(Self.value(after: "-netdev", in: tap) == "tap,id=net0,ifname=tap7,script=no,downscript=no")
    #expect(Self.value(after: "-append", in: tap) == "netdev.ip=172.44.0.2/24:172.44.0.1 --")
    let bridge = try arguments(pc, .bridge(name: "kraft0", address: nil))
    #expect(Self.value(after: "-netdev", in: bridge) == "bridge,id=net0,br=kraft0")
    // Without an address the guest configures itself (DHCP): nothing on the command line.
    #expect(!bridge.contains("-append"))
  }

  @Test func theUsersOwnAddressWins() throws {
    let arguments = try arguments(
      Target(platform: .qemu, architecture: .x86_64), .user(forwards: []),
      kernelArguments: ["netdev.ip=10.0.2.20/24:10.0.2.2"])
    #expect(Self.value(after: "-append", in: arguments) == "netdev.ip=10.0.2.20/24:10.0.2.2 --")
  }

  @Test func firecrackerGetsItsTapInTheConfiguration() throws {
    let both = ExecutableLocator(searchPath: ["/bin"], isExecutable: { _ in true })
    let target = Target(platform: .firecracker, architecture: .x86_64)
    let request = RunRequest(target: target, image: "/img", network: .tap(name: "fc-tap0", address: nil))
    guard
      case .firecracker(_, let configuration, _) = try VirtualMachineCommand(locator: both)
        .monitor(for: request, scratchDirectory: "/s")
    else {
      Issue.record("expected firecracker")
      return
    }
    let json = try JSONSerialization.jsonObject(with: Data(configuration.utf8)) as? [String: Any]
    let interfaces = json?["network-interfaces"] as? [[String: String]]
    #expect(interfaces?.first?["host_dev_name"] == "fc-tap0")
    #expect(interfaces?.first?["iface_id"] == "eth0")
    // No network: no interfaces, and the configuration is still valid JSON.
    let plain = try VirtualMachineCommand(locator: both).monitor(
      for: RunRequest(target: target, image: "/img"), scratchDirectory: "/s")
    if case .firecracker(_, let configuration, _) = plain {
      let json = try JSONSerialization.jsonObject(with: Data(configuration.utf8)) as? [String: Any]
      #expect(json?["network-interfaces"] == nil)
    }
    // The user network kraft adds for an image with a network driver is left out there.
    let automatic = try VirtualMachineCommand(locator: both).monitor(
      for: RunRequest(target: target, image: "/img", network: .user(forwards: [])), scratchDirectory: "/s")
    if case .firecracker(_, let configuration, _) = automatic {
      #expect(!configuration.contains("network-interfaces"))
      #expect(!configuration.contains("netdev.ip="))
    } else {
      Issue.record("expected firecracker")
    }
    // Firecracker has no user network for published ports.
    let forwarded = RunRequest(
      target: target, image: "/img", network: .user(forwards: [PortForward(hostPort: 8080, guestPort: 80)]))
    let error = #expect(throws: RunFailure.self) {
      try VirtualMachineCommand(locator: both).monitor(for: forwarded, scratchDirectory: "/s")
    }
    #expect(error?.message.contains("--network tap:NAME") == true)
  }

  @Test func aDetachedInstanceKeepsItsNetwork() throws {
    let request = RunRequest(
      target: Target(platform: .qemu, architecture: .x86_64), image: "/img",
      network: .user(forwards: [
        PortForward(hostAddress: "0.0.0.0", hostPort: 8080, guestPort: 80, transport: .udp)
      ]))
    let run = InstanceRun(request: request, debugImage: nil, timeout: nil, scratchDirectory: "/s")
    let decoded = try JSONDecoder().decode(InstanceRun.self, from: JSONEncoder().encode(run))
    #expect(decoded == run)
    // An instance saved before networking existed still loads, without a network.
    var old = try JSONSerialization.jsonObject(with: JSONEncoder().encode(run)) as! [String: Any]
    var oldRequest = old["request"] as! [String: Any]
    oldRequest.removeValue(forKey: "network")
    old["request"] = oldRequest
    let loaded = try JSONDecoder().decode(InstanceRun.self, from: JSONSerialization.data(withJSONObject: old))
    #expect(loaded.request.network == nil)
  }

  @Test func psSummarisesTheNetwork() {
    #expect(
      GuestNetwork.user(forwards: [
        PortForward(hostPort: 8080, guestPort: 80),
        PortForward(hostAddress: "0.0.0.0", hostPort: 53, guestPort: 53, transport: .udp),
      ]).summary == "127.0.0.1:8080->80/tcp, 0.0.0.0:53->53/udp")
    #expect(GuestNetwork.user(forwards: []).summary == "user")
    #expect(GuestNetwork.tap(name: "tap0", address: nil).summary == "tap:tap0")
    #expect(GuestNetwork.bridge(name: "kraft0", address: nil).summary == "bridge:kraft0")
  }

  @Test func aBusyHostPortIsAClearError() throws {
    // Take a free loopback port, keep it bound, and ask to publish it.
    let held = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #expect(held >= 0)
    defer { close(held) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(held, $0, length) == 0 && listen(held, 1) == 0 && getsockname(held, $0, &length) == 0
      }
    }
    #expect(bound)
    let port = Int(UInt16(bigEndian: address.sin_port))
    let error = #expect(throws: RunFailure.self) {
      try HostPortCheck.requireFree([PortForward(hostPort: port, guestPort: 80)])
    }
    #expect(error?.message.contains("host port \(port)/tcp on 127.0.0.1") == true)
    #expect(error?.message.contains("already in use") == true)
    // The same number over UDP is a different port.
    try HostPortCheck.requireFree([PortForward(hostPort: port, guestPort: 80, transport: .udp)])
  }

  @Test func theSizeReportSaysWhetherAnImageLinksNetdev() {
    let report = """
      image /p/.unikraft/build/app_qemu-x86_64
        file size:            1000 bytes
        loaded sections:      900 bytes
          lwip         500
          netdev       100
          (linker)     10

      """
    #expect(SizeReport.libraryNames(inRendered: report) == ["lwip", "netdev", "(linker)"])
    #expect(!SizeReport.libraryNames(inRendered: "image x\n  file size:   10 bytes\n").contains("netdev"))
  }
}
