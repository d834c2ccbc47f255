/// What a target's image file is. The `.dbg` twin is always the linked ELF.
public enum ImageFormat: String, Hashable, Sendable, Codable, CaseIterable {
  /// The stripped ELF: what QEMU `-kernel` loads on x86_64 (Multiboot, PVH).
  case elf
  /// The loadable bytes from the first section on (`objcopy -O binary`): a Linux arm64 Image
  /// when the linker script puts its header first, as QEMU `virt` and Firecracker expect.
  case binary
}

/// An `image-format:` entry of a platform manifest: a format and where it applies.
public struct ImageFormatRule: Hashable, Sendable, Codable {
  public var format: ImageFormat
  /// nil: every architecture.
  public var architectures: [Architecture]?
  /// nil: every platform.
  public var platforms: [Platform]?
  public var location: SourceLocation?

  public init(
    format: ImageFormat, architectures: [Architecture]? = nil, platforms: [Platform]? = nil,
    location: SourceLocation? = nil
  ) {
    self.format = format
    self.architectures = architectures
    self.platforms = platforms
    self.location = location
  }

  public func supports(_ target: Target) -> Bool {
    target.isCovered(architectures: architectures, platforms: platforms)
  }

  /// The format for `target` under `rules` taken in order: the first that applies, else ELF.
  public static func format(for target: Target, rules: [ImageFormatRule]) -> ImageFormat {
    rules.first { $0.supports(target) }?.format ?? .elf
  }
}
