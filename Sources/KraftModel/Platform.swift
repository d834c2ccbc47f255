/// A virtual-machine platform an image is built for. Kraftfiles may use Unikraft's aliases
/// (`fc`, `kvm`); the model always holds the canonical name.
public enum Platform: String, Sendable, Hashable, Codable, CaseIterable {
  case qemu
  case firecracker
  case xen

  /// Aliases accepted in Kraftfiles, mapped to the canonical platform.
  public static let aliases: [String: Platform] = [
    "qemu": .qemu, "kvm": .qemu, "firecracker": .firecracker, "fc": .firecracker, "xen": .xen,
  ]

  /// Parses a name or alias; nil when unknown.
  public init?(name: String) {
    guard let platform = Platform.aliases[name] else { return nil }
    self = platform
  }

  /// The short name used in image file names and target short forms (`fc`, not `firecracker`).
  public var shortName: String { self == .firecracker ? "fc" : rawValue }
}

/// A CPU architecture.
public enum Architecture: String, Sendable, Hashable, Codable, CaseIterable {
  case x86_64
  case arm64

  /// Aliases seen in the wild, mapped to the canonical architecture.
  public static let aliases: [String: Architecture] = [
    "x86_64": .x86_64, "amd64": .x86_64, "arm64": .arm64, "aarch64": .arm64,
  ]

  public init?(name: String) {
    guard let architecture = Architecture.aliases[name] else { return nil }
    self = architecture
  }

  /// The LLVM target triple for freestanding code on this architecture.
  public var freestandingTriple: String {
    switch self {
    case .x86_64: return "x86_64-unknown-none-elf"
    case .arm64: return "aarch64-unknown-none-elf"
    }
  }
}
