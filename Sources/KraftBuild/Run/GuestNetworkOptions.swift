import KraftModel

/// `kraft run`'s network flags as kraftkit spells them, read into a `GuestNetwork`:
/// `-p [HOSTADDR:]HOST:GUEST[/tcp|udp]` and `--network [tap:|bridge:]NAME[:ADDRESS...]`.
public enum GuestNetworkOptions {
  /// Decides whether the guest gets a NIC and which: `--network` when given, else the user
  /// network when ports are published or the image links the `netdev` library (a network
  /// stack with nothing to talk to would only wait); else none, as before networking existed.
  public static func resolve(ports: [String], network: String?, imageHasNetworkDriver: Bool) throws
    -> GuestNetwork?
  {
    let forwards = try parsePorts(ports)
    if let network {
      let attached = try parseNetwork(network)
      if let first = forwards.first {
        throw NetworkOptionError(
          message:
            "'-p \(ports[0])' forwards through QEMU's user network, but '--network \(network)' attaches the guest to '\(attached.deviceName ?? network)'; "
            + "reach the guest at its own address there, or drop '--network' to forward port \(first.hostPort)"
        )
      }
      return attached
    }
    if !forwards.isEmpty || imageHasNetworkDriver { return .user(forwards: forwards) }
    return nil
  }

  public static func parsePorts(_ values: [String]) throws -> [PortForward] {
    var seen: [String: String] = [:]
    return try values.map { value in
      let forward = try parsePort(value)
      let key = "\(forward.transport):\(forward.hostPort)"
      if let earlier = seen[key] {
        throw NetworkOptionError(
          message:
            "'-p \(value)' and '-p \(earlier)' both publish host port \(forward.hostPort)/\(forward.transport.rawValue); use another host port for one"
        )
      }
      seen[key] = value
      return forward
    }
  }

  /// `8080:80`, `8080:80/udp`, `0.0.0.0:8080:80/tcp`.
  public static func parsePort(_ value: String) throws -> PortForward {
    let problem = NetworkOptionError(
      message:
        "port mapping '\(value)' is not [HOSTADDR:]HOST:GUEST[/tcp|udp] with ports 1-65535 and an IPv4 host address, e.g. '-p 8080:80' or '-p 0.0.0.0:8080:80/tcp'"
    )
    var text = Substring(value)
    var transport = PortForward.Transport.tcp
    if let slash = text.lastIndex(of: "/") {
      guard let named = PortForward.Transport(rawValue: text[text.index(after: slash)...].lowercased())
      else { throw problem }
      transport = named
      text = text[..<slash]
    }
    let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
    guard parts.count == 2 || parts.count == 3, let host = port(parts[parts.count - 2]),
      let guest = port(parts[parts.count - 1])
    else { throw problem }
    var address = "127.0.0.1"
    if parts.count == 3 {
      guard isIPv4(parts[0]) else { throw problem }
      address = parts[0]
    }
    return PortForward(hostAddress: address, hostPort: host, guestPort: guest, transport: transport)
  }

  /// `tap:NAME`, `bridge:NAME`, or kraftkit's `NAME` (a bridge), each optionally followed by
  /// kraftkit's `:IP[/MASK][:GW[:DNS0[:DNS1]]]`, which the guest gets as `netdev.ip=`.
  public static func parseNetwork(_ value: String) throws -> GuestNetwork {
    var parts = value.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
    var driver = "bridge"
    if let first = parts.first, ["tap", "bridge"].contains(first), parts.count > 1 {
      driver = first
      parts.removeFirst()
    } else if let first = parts.first, ["user", "slirp", "host", "none", "macvtap"].contains(first) {
      throw NetworkOptionError(
        message:
          "'--network \(value)': kraft attaches 'tap:NAME' or 'bridge:NAME' devices; for QEMU's user network publish ports with '-p HOST:GUEST' instead"
      )
    }
    let name = parts.removeFirst()
    guard isDeviceName(name) else {
      throw NetworkOptionError(
        message:
          "'--network \(value)': '\(name)' is not a network device name (1-15 letters, digits, '-', '_', '.'); use e.g. '--network tap:tap0' or '--network bridge:kraft0:172.44.0.2/24:172.44.0.1'"
      )
    }
    var address: StaticAddress?
    if !parts.isEmpty {
      let fields = parts
      let ip = fields[0].split(separator: "/", omittingEmptySubsequences: false)
      let addressIsValid =
        isIPv4(String(ip[0])) && ip.count <= 2
        && (ip.count == 1 || Int(ip[1]).map { (0...32).contains($0) } == true)
      guard addressIsValid, fields.count <= 4, fields.dropFirst().allSatisfy({ $0.isEmpty || isIPv4($0) })
      else {
        throw NetworkOptionError(
          message:
            "'--network \(value)': the address part must be IP[/PREFIX][:GATEWAY[:DNS0[:DNS1]]] in IPv4, e.g. 'tap:tap0:172.44.0.2/24:172.44.0.1'"
        )
      }
      address = StaticAddress(text: fields.joined(separator: ":"))
    }
    return driver == "tap" ? .tap(name: name, address: address) : .bridge(name: name, address: address)
  }

  static func port(_ text: String) -> Int? {
    guard let value = Int(text), (1...65535).contains(value), text.allSatisfy(\.isNumber) else { return nil }
    return value
  }

  static func isIPv4(_ text: String) -> Bool {
    let octets = text.split(separator: ".", omittingEmptySubsequences: false)
    return octets.count == 4
      && octets.allSatisfy { $0.count <= 3 && !$0.isEmpty && $0.allSatisfy(\.isNumber) && Int($0)! <= 255 }
  }

  /// Linux interface names: at most 15 bytes, no '/', ':' or blanks.
  static func isDeviceName(_ text: String) -> Bool {
    (1...15).contains(text.utf8.count)
      && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
  }
}

extension GuestNetwork {
  /// The host device this network names, when it names one.
  public var deviceName: String? {
    switch self {
    case .user: return nil
    case .tap(let name, _), .bridge(let name, _): return name
    }
  }

  /// For `kraft ps`: `127.0.0.1:8080->80/tcp, ...`, `user` without ports, `tap:NAME`, `bridge:NAME`.
  public var summary: String {
    switch self {
    case .user(let forwards) where forwards.isEmpty: return "user"
    case .user(let forwards):
      return forwards.map { "\($0.hostAddress):\($0.hostPort)->\($0.guestPort)/\($0.transport.rawValue)" }
        .joined(separator: ", ")
    case .tap(let name, _): return "tap:" + name
    case .bridge(let name, _): return "bridge:" + name
    }
  }

  public var isTap: Bool {
    if case .tap = self { return true }
    return false
  }
}

/// A `-p` or `--network` value kraft cannot use.
public struct NetworkOptionError: KraftError {
  public var kind: ErrorKind { .usage }
  public var message: String
}
