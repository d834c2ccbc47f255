import Foundation

/// A network namespace of the test's own (loopback up), optionally with one tap device and its
/// own /etc/resolv.conf (`ip netns exec` bind-mounts /etc/netns/NAME/resolv.conf over it), all
/// removed at the end. Test traffic stays inside it.
struct TestNamespace {
  let name = "kraft-test-\(UInt32.random(in: 0...UInt32.max))"

  var exec: [String] { ["ip", "netns", "exec", name] }

  private var configuration: URL { URL(fileURLWithPath: "/etc/netns/\(name)") }

  /// The namespace with its loopback up, and a tap device with `hostAddress` when `tap` is set.
  func create(tap: String? = nil, hostAddress: String? = nil) throws {
    var commands = [["ip", "netns", "add", name], exec + ["ip", "link", "set", "lo", "up"]]
    if let tap {
      commands += [exec + ["ip", "tuntap", "add", "dev", tap, "mode", "tap"]]
      if let hostAddress { commands += [exec + ["ip", "addr", "add", hostAddress, "dev", tap]] }
      commands += [exec + ["ip", "link", "set", tap, "up"]]
    }
    for command in commands { try run(command) }
  }

  /// The namespace with a Linux bridge holding `hostAddress`, which QEMU's bridge helper may
  /// join: its ACL (/etc/qemu/bridge.conf) is this namespace's own, bind-mounted by `ip netns
  /// exec` from /etc/netns/NAME/qemu over /etc/qemu (which must exist as the mount point; an
  /// empty one is made, and removed by `remove()`, when the host has none).
  func create(bridge: String, hostAddress: String) throws {
    try create()
    for command in [
      ["ip", "link", "add", "name", bridge, "type", "bridge"],
      ["ip", "addr", "add", hostAddress, "dev", bridge],
      ["ip", "link", "set", bridge, "up"],
    ] { try run(inside: command) }
    let qemuConfiguration = configuration.appendingPathComponent("qemu")
    try FileManager.default.createDirectory(at: qemuConfiguration, withIntermediateDirectories: true)
    try "allow \(bridge)\n".write(
      to: qemuConfiguration.appendingPathComponent("bridge.conf"), atomically: true, encoding: .utf8)
    if !FileManager.default.fileExists(atPath: Self.hostQemuConfiguration.path) {
      try FileManager.default.createDirectory(
        at: Self.hostQemuConfiguration, withIntermediateDirectories: false)
      try FileManager.default.createFile(atPath: madeMountPointMarker.path, contents: nil)
    }
  }

  /// Runs `command` inside the namespace; throws when it fails.
  func run(inside command: [String]) throws { try run(exec + command) }

  /// The resolver configuration programs in the namespace read (QEMU's user networking
  /// forwards the guest's DNS queries to the nameserver named here).
  func setResolvConf(_ text: String) throws {
    try FileManager.default.createDirectory(at: configuration, withIntermediateDirectories: true)
    try text.write(to: configuration.appendingPathComponent("resolv.conf"), atomically: true, encoding: .utf8)
  }

  func remove() {
    _ = try? HostTool.status(["ip", "netns", "del", name])
    if FileManager.default.fileExists(atPath: madeMountPointMarker.path) {
      // Only if still empty: never a configuration someone wrote meanwhile.
      if (try? FileManager.default.contentsOfDirectory(atPath: Self.hostQemuConfiguration.path))?.isEmpty
        == true
      {
        try? FileManager.default.removeItem(at: Self.hostQemuConfiguration)
      }
      try? FileManager.default.removeItem(at: madeMountPointMarker)
    }
    try? FileManager.default.removeItem(at: configuration)
  }

  private static let hostQemuConfiguration = URL(fileURLWithPath: "/etc/qemu")
  /// Outside /etc/netns/NAME, whose every entry `ip netns exec` mounts over /etc.
  private var madeMountPointMarker: URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-made-etc-qemu")
  }

  private func run(_ command: [String]) throws {
    let status = try HostTool.status(command)
    guard status == 0 else { throw NamespaceSetupFailed(command: command, status: status) }
  }

  struct NamespaceSetupFailed: Error, CustomStringConvertible {
    var command: [String]
    var status: Int32
    var description: String { "\(command.joined(separator: " ")) exited \(status)" }
  }
}
