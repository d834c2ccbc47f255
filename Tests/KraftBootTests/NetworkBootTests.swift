import Foundation
import KraftTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// What the network tests need from the tree: the lwIP port and the kernel's netdev library
/// (issue 15's kernel side). Without them `lwip` is an unknown library and nothing can serve.
enum NetworkSupport {
  static let repository = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  static let inTree =
    FileManager.default.fileExists(atPath: repository.appendingPathComponent("Ports/lwip/port.yaml").path)
    && FileManager.default.fileExists(
      atPath: repository.appendingPathComponent("Kernel/lib/netdev/library.yaml").path)

  /// Root, `ip` and /dev/net/tun: what a namespace with its own tap device takes.
  static let canMakeNamespaces =
    getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip")
    && FileManager.default.fileExists(atPath: "/dev/net/tun")
}

/// The test project shaped like Unikraft's native/http-c, built once per target.
final class BuiltHTTPProject: @unchecked Sendable {
  let scratch: ScratchProject
  let build: KraftProcess.Result
  let platform: String
  let architecture: String

  init(platform: String, architecture: String) throws {
    self.platform = platform
    self.architecture = architecture
    scratch = try ScratchProject(copying: "Tests/Images/http-c-shape")
    // The command Unikraft's README gives (kraftkit's --no-cache and --no-update included).
    build = try KraftProcess.run(
      ["build", "--no-cache", "--no-update", "--plat", platform, "--arch", architecture], in: scratch.url,
      timeout: 1500)
  }

  static let qemuX86 = SharedFixture { try BuiltHTTPProject(platform: "qemu", architecture: "x86_64") }
  static let fcX86 = SharedFixture { try BuiltHTTPProject(platform: "fc", architecture: "x86_64") }
  static let qemuArm64 = SharedFixture { try BuiltHTTPProject(platform: "qemu", architecture: "arm64") }

  static func built(_ target: String) async throws -> BuiltHTTPProject {
    switch target {
    case "fc/x86_64": return try await fcX86.value
    case "qemu/arm64": return try await qemuArm64.value
    default: return try await qemuX86.value
    }
  }
}

@Suite(
  .tags(.slow), .slowTier,
  .enabled(
    if: NetworkSupport.inTree && Curl.available,
    "needs the lwip port (Ports/lwip), the netdev library (Kernel/lib/netdev) and curl"))
struct NetworkBootTests {
  /// `kraft run --rm --plat P --arch A -p PORT:8080 .` as the README says, then curl; the
  /// server ends on `GET /exit`, and kraft with the application's status 0.
  @Test(arguments: ["qemu/x86_64", "fc/x86_64", "qemu/arm64"])
  func publishedPortAnswersCurl(target: String) async throws {
    let project = try await BuiltHTTPProject.built(target)
    #expect(project.build.status == 0, "kraft build:\n\(project.build.output)")
    guard project.build.status == 0 else { return }
    // Unikraft's file as it is: its options are ones kraft honours (no warning about them), and
    // the one choice kraft makes on its own, musl for lwip, is said.
    #expect(!project.build.stderr.contains("Unikraft option"), "\(project.build.stderr)")
    #expect(
      project.build.stderr.contains(
        "note: 'musl' is the image's 'libc' rather than the default 'nolibc': 'lwip' requires 'posix-libc'"))

    let port = try LoopbackPort.free()
    let serving = try ServingKraft(
      [
        "run", "--rm", "--plat", project.platform, "--arch", project.architecture, "-p", "\(port):8080",
        "--timeout", "240", ".",
      ], in: project.scratch.url)
    let body = Curl.firstAnswer("http://127.0.0.1:\(port)/", within: 180, while: serving)
    #expect(body == "Hello from kraft!\n", "console:\n\(serving.output)")
    guard body != nil else { return }
    // Several requests in a row, each on its own connection.
    for _ in 0..<5 {
      #expect(Curl.get("http://127.0.0.1:\(port)/again") == "Hello from kraft!\n")
    }
    _ = Curl.get("http://127.0.0.1:\(port)/exit")
    let status = serving.waitForExit(seconds: 60)
    #expect(status == 0, "console:\n\(serving.output)")
    #expect(serving.output.contains("listening on port 8080"))
  }

  /// `--network tap:NAME:ADDRESS` inside a namespace of the test's own: the guest is reached at
  /// its own address on the tap, and no packet leaves the namespace.
  @Test(.enabled(if: NetworkSupport.canMakeNamespaces, "needs root, ip (iproute2) and /dev/net/tun"))
  func tapDeviceInItsOwnNamespace() async throws {
    let namespace = TestNamespace()
    defer { namespace.remove() }
    try namespace.create(tap: "tap0", hostAddress: "172.44.0.1/24")
    try await answersAtItsOwnAddress(
      "tap:tap0:172.44.0.2/24:172.44.0.1", guest: "172.44.0.2", in: namespace
    ) {
      // The guest skips checking TCP checksums the host vouches for (virtio's NEEDS_CSUM,
      // DATA_VALID: the frames curl sent); a raw socket's frames carry no such mark, so a SYN
      // with a wrong checksum must be dropped and the same SYN with the right one answered.
      let verdict = try HostTool.output(namespace.exec + ["python3", "-c", Self.synProbe]) ?? ""
      #expect(verdict.contains("bad checksum: no answer"), "\(verdict)")
      #expect(verdict.contains("good checksum: SYN-ACK"), "\(verdict)")
    }
  }

  /// Sends the guest (172.44.0.2:8080) a TCP SYN with a wrong checksum, then one with the
  /// right checksum, from a raw socket, and says which got an answer.
  static let synProbe = """
    import socket, struct, time
    src, dst = socket.inet_aton("172.44.0.1"), socket.inet_aton("172.44.0.2")
    def fold(b):
        s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
        while s >> 16: s = (s & 0xffff) + (s >> 16)
        return s
    def syn(sport, corrupt):
        head = struct.pack("!HHIIBBHHH", sport, 8080, 1000, 0, 5 << 4, 0x02, 65535, 0, 0)
        csum = 0xffff - fold(src + dst + struct.pack("!BBH", 0, 6, len(head)) + head)
        return head[:16] + struct.pack("!H", csum ^ (0x5555 if corrupt else 0)) + head[18:]
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
    s.settimeout(0.2)
    def answer(sport, within):
        deadline = time.time() + within
        while time.time() < deadline:
            try:
                ip = s.recv(2048)
            except socket.timeout:
                continue
            tcp = ip[(ip[0] & 15) * 4:]
            if ip[12:16] == dst and struct.unpack("!HH", tcp[:4]) == (8080, sport):
                return tcp[13]
        return None
    s.sendto(syn(40001, True), ("172.44.0.2", 0))
    got = answer(40001, 3)
    print("bad checksum: " + ("no answer" if got is None else "answered %#x" % got))
    s.sendto(syn(40002, False), ("172.44.0.2", 0))
    got = answer(40002, 10)
    print("good checksum: " + ("SYN-ACK" if got == 0x12 else "answer %r" % got))
    """

  /// `--network bridge:NAME:ADDRESS` inside a namespace of the test's own holding a Linux
  /// bridge: QEMU's bridge helper makes a tap and enslaves it to the bridge, the guest is
  /// reached at its own address through the bridge, and no packet leaves the namespace.
  @Test(.enabled(if: NetworkSupport.canMakeNamespaces, "needs root, ip (iproute2) and /dev/net/tun"))
  func bridgeInItsOwnNamespace() async throws {
    let namespace = TestNamespace()
    defer { namespace.remove() }
    try namespace.create(bridge: "kraftbr0", hostAddress: "172.45.0.1/24")
    try await answersAtItsOwnAddress(
      "bridge:kraftbr0:172.45.0.2/24:172.45.0.1", guest: "172.45.0.2", in: namespace
    ) {
      // The guest's link is the helper's tap, a port of the bridge.
      let ports =
        try HostTool.output(namespace.exec + ["ip", "-o", "link", "show", "master", "kraftbr0"]) ?? ""
      #expect(ports.contains("tap"), "bridge ports: \(ports)")
    }
  }

  /// Runs the qemu/x86_64 image with `--network network` inside `namespace`, expects curl from
  /// there to get the page from `guest`, checks `whileServing`, and ends the guest with `/exit`.
  func answersAtItsOwnAddress(
    _ network: String, guest: String, in namespace: TestNamespace, whileServing: () throws -> Void = {}
  ) async throws {
    let project = try await BuiltHTTPProject.qemuX86.value
    #expect(project.build.status == 0, "kraft build:\n\(project.build.output)")
    guard project.build.status == 0 else { return }
    let serving = try ServingKraft(
      ["run", "--plat", "qemu", "--arch", "x86_64", "--network", network, "--timeout", "240", "."],
      in: project.scratch.url, prefix: namespace.exec)
    let body = Curl.firstAnswer("http://\(guest):8080/", prefix: namespace.exec, within: 180, while: serving)
    #expect(body == "Hello from kraft!\n", "console:\n\(serving.output)")
    guard body != nil else { return }
    try whileServing()
    _ = Curl.get("http://\(guest):8080/exit", prefix: namespace.exec)
    #expect(serving.waitForExit(seconds: 60) == 0, "console:\n\(serving.output)")
  }
}

/// The NIC kraft attaches is one QEMU accepts on each machine, and an image without a network
/// stack boots with it as without it.
@Suite(.tags(.slow), .slowTier) struct PortForwardingBootTests {
  @Test(arguments: ["qemu/x86_64", "fc/x86_64"])
  func anImageWithoutNetworkBootsWithPublishedPorts(target: String) async throws {
    let project = try await BuiltProject.helloworld.value
    #expect(project.build.status == 0, "kraft build failed:\n\(project.build.output)")
    let run = try KraftProcess.run(
      [
        "run", "-t", target, "-p", "\(try LoopbackPort.free()):8080", "-p",
        "\(try LoopbackPort.free()):53/udp",
        "--timeout", "60",
      ],
      in: project.scratch.url)
    #expect(run.status == 0, "kraft run:\n\(run.output)")
    #expect(run.stdout.contains("Hello, world!"))
  }

  @Test func aDetachedInstanceKeepsItsPublishedPorts() async throws {
    let project = try await RunLifecycleTests.console.value
    try #require(project.build.status == 0, "kraft build failed:\n\(project.build.output)")
    let runtime = FileManager.default.temporaryDirectory.appendingPathComponent("kraft-rt-\(UUID())")
    defer { try? FileManager.default.removeItem(at: runtime) }
    let kraft = { (arguments: [String]) in
      try KraftProcess.run(
        arguments, in: project.scratch.url, environment: ["KRAFT_RUNTIME_DIR": runtime.path])
    }
    let port = try LoopbackPort.free()
    let started = try kraft(["run", "-W", "-d", "-n", "net", "-p", "\(port):8080"])
    #expect(started.status == 0, "\(started.output)")
    defer { _ = try? kraft(["stop", "net"]) }
    #expect(RunLifecycleTests.poll(60) { (try? kraft(["logs", "net"]).stdout.contains("running")) == true })
    #expect(try kraft(["ps"]).stdout.contains("127.0.0.1:\(port)->8080/tcp"))
    // The VM the background supervisor started has the NIC and the forwarding rule.
    let supervisor =
      try JSONSerialization.jsonObject(
        with: Data(contentsOf: runtime.appendingPathComponent("net/supervisor.json"))) as? [String: Any]
    let supervisorPid = try #require((supervisor?["pid"] as? NSNumber)?.int32Value)
    let qemu = try #require(RunLifecycleTests.qemuChild(of: supervisorPid))
    let command = RunLifecycleTests.command(of: qemu)
    #expect(command.contains("hostfwd=tcp:127.0.0.1:\(port)-:8080"), "\(command)")
    #expect(command.contains("virtio-net-pci,netdev=net0"), "\(command)")
  }

  @Test func aBusyHostPortIsRefusedBeforeBooting() async throws {
    let project = try await BuiltProject.helloworld.value
    let held = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
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
    let run = try KraftProcess.run(["run", "-p", "\(port):80", "--timeout", "60"], in: project.scratch.url)
    #expect(run.status == 125)
    #expect(
      run.stderr.contains("host port \(port)/tcp on 127.0.0.1 cannot be published: it is already in use"))
    #expect(!run.stdout.contains("Hello, world!"))
  }
}
