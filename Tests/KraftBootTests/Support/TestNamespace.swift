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
    try? FileManager.default.removeItem(at: configuration)
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
