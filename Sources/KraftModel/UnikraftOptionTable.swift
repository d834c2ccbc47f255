/// Unikraft's `kconfig:` names that Kraftfiles written for Unikraft carry (its catalog's
/// network apps, e.g. `libraries: lwip: kconfig: CONFIG_LWIP_SOCKET: 'y'`) but that no kraft
/// library declares. A name here is not an error. Set to y, a built-in one asks for what kraft
/// always does, so it passes silently (Unikraft's catalog files then build without noise);
/// otherwise kraft warns, naming the option, what it means in kraft, and the Kraftfile line,
/// then builds without it. A name a selected kraft
/// library declares (kraft's lwip port may declare some of these itself) is that library's
/// option, and this table does not apply to it.
public enum UnikraftOptionTable {
  public enum Meaning: Hashable, Sendable {
    /// kraft always does what the option turns on; the text says how.
    case builtIn(String)
    /// kraft does not have the feature; the text says what to do instead.
    case unsupported(String)
  }

  public static let entries: [String: Meaning] = [
    // The lwIP library (Unikraft's lib-lwip Config.uk).
    "CONFIG_LWIP_UKNETDEV": .builtIn(
      "lwIP always sends and receives through kraft's netdev devices (Kernel/lib/netdev), which the lwip port pulls in"
    ),
    "CONFIG_LWIP_AUTOIFACE": .builtIn(
      "every netdev device becomes an lwIP interface at boot, configured by 'netdev.ip=' or DHCP"),
    "CONFIG_LWIP_THREADS": .builtIn("lwIP's tcpip thread runs on kraft's scheduler threads"),
    "CONFIG_LWIP_NOTHREADS": .unsupported(
      "lwIP always runs in its own thread in kraft; remove the option"),
    "CONFIG_LWIP_SOCKET": .builtIn(
      "the BSD socket system calls (socket, bind, accept, ...) come with the lwip port"),
    "CONFIG_LWIP_TCP": .builtIn("TCP is always built into kraft's lwip port"),
    "CONFIG_LWIP_UDP": .builtIn("UDP is always built into kraft's lwip port"),
    "CONFIG_LWIP_ICMP": .builtIn("ICMP is always built into kraft's lwip port"),
    "CONFIG_LWIP_IPV4": .builtIn("IPv4 is always built into kraft's lwip port"),
    "CONFIG_LWIP_DHCP": .builtIn(
      "the guest asks for an address by DHCP unless 'netdev.ip=' gives one (kraft run gives one on its user network)"
    ),
    "CONFIG_LWIP_DNS": .builtIn("name resolution (getaddrinfo) is always built into kraft's lwip port"),
    "CONFIG_LWIP_HEAP": .builtIn("lwIP allocates from the kernel heap"),
    "CONFIG_LWIP_POOLS": .unsupported("lwIP allocates from the kernel heap in kraft; remove the option"),
    "CONFIG_LWIP_RXCHECKSUM": .builtIn("receive checksums follow the offloads the virtio-net device offers"),
    "CONFIG_LWIP_TXCHECKSUM": .builtIn("transmit checksums follow the offloads the virtio-net device offers"),
    // Unikraft's core libraries, set under `unikraft: kconfig:` by the same apps.
    "CONFIG_LIBUKBUS": .builtIn("drivers find their devices themselves (PCI on pc, virtio-mmio elsewhere)"),
    "CONFIG_LIBUKNETDEV": .builtIn("kraft's netdev library is linked whenever a network stack is"),
    "CONFIG_LIBUKNETDEV_EINFO_LIBPARAM": .builtIn(
      "the 'netdev.ip=' kernel argument is always read"),
    "CONFIG_LIBPOSIX_FDIO": .builtIn(
      "read, write and the rest of file-descriptor I/O are always in posix-fd"),
    "CONFIG_LIBPOSIX_SOCKET": .builtIn(
      "sockets are file descriptors of posix-fd when the lwip port is linked"),
  ]

  /// The warning for `name` set to `value`; nil when the table does not know it, or when it is
  /// a built-in one set to y (the build honours it by doing what it always does).
  public static func warning(name: String, value: String, at location: SourceLocation?) -> Diagnostic? {
    guard let meaning = entries[name] else { return nil }
    let off = ["n", "no", "false", "0"].contains(value.lowercased())
    switch meaning {
    case .builtIn(let how) where off:
      return Diagnostic(
        .warning,
        "'\(name)' is a Unikraft option kraft has no switch for, so it cannot be turned off: \(how)",
        at: location)
    case .builtIn:
      return nil
    case .unsupported where off:
      return Diagnostic(
        .warning, "'\(name)' is a Unikraft option kraft ignores; set to n it asks for what kraft does anyway",
        at: location)
    case .unsupported(let instead):
      return Diagnostic(
        .warning, "'\(name)' is a Unikraft option kraft does not implement and ignores: \(instead)",
        at: location)
    }
  }
}
