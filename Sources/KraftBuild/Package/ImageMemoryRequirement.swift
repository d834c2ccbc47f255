import KraftModel

/// The least guest memory an image can boot in, read from the image itself: the end of its
/// loaded segments (from the start of RAM) plus what the kernel needs before the application
/// runs. Below that the monitor loads the image past the end of RAM, and the guest prints
/// nothing and never stops, so `kraft run` refuses such a size before booting.
public enum ImageMemoryRequirement {
  /// Boot stack, page tables and the allocator's first blocks: the smallest images
  /// (helloworld, Tests/Images/console) boot in the size this gives and not in 1 MiB less.
  public static let kernelReserve = 256 * 1024
  static let mebibyte = 1024 * 1024

  /// Where guest RAM starts: 0 on x86_64 (pc, microvm, Firecracker), 1 GiB on arm64 `virt`
  /// and Firecracker's arm64 machine.
  static func ramBase(_ architecture: Architecture) -> UInt64 {
    architecture == .arm64 ? 0x4000_0000 : 0
  }

  /// Room QEMU's arm64 `virt` needs for the device tree it writes: it places the tree at the
  /// next 2 MiB boundary after the image and initrd, and fails ("Not enough space for DTB")
  /// when RAM ends before the tree does; 1 MiB is QEMU's maximum tree size.
  static let deviceTreeSpace = 1024 * 1024

  /// The minimum in MiB, or nil when the file is neither an ELF image nor an arm64 Image.
  /// `initrdSize`: the bytes of the initrd booted with it (it is loaded after the image).
  public static func minimumMegabytes(
    image bytes: [UInt8], architecture: Architecture, initrdSize: Int = 0
  ) -> Int? {
    guard let end = imageEnd(bytes, ramBase: ramBase(architecture)) else { return nil }
    let loaded = Int(end) + initrdSize
    var needed = loaded + kernelReserve
    if architecture == .arm64 {
      let twoMebibytes = 2 * mebibyte
      let treeStart = (loaded + twoMebibytes - 1) / twoMebibytes * twoMebibytes
      needed = max(needed, treeStart + deviceTreeSpace)
    }
    return (needed + mebibyte - 1) / mebibyte
  }

  /// The offset from the start of RAM of the first byte after the loaded image.
  static func imageEnd(_ bytes: [UInt8], ramBase: UInt64) -> UInt64? {
    if ELFFile.isELF(bytes) { return elfEnd(bytes, ramBase: ramBase) }
    // A Linux arm64 Image: text_offset at 8, image_size (BSS included) at 16, "ARM\x64" at 56.
    if bytes.count >= 64, bytes[56..<60] == [0x41, 0x52, 0x4d, 0x64],
      let textOffset = try? ELFFile.little(bytes, 8, 8),
      let imageSize = try? ELFFile.little(bytes, 16, 8)
    {
      return textOffset + (imageSize > 0 ? imageSize : UInt64(bytes.count))
    }
    return nil
  }

  /// The highest physical end (p_paddr + p_memsz) of the PT_LOAD segments, from `ramBase`.
  static func elfEnd(_ bytes: [UInt8], ramBase: UInt64) -> UInt64? {
    guard let elf = try? ELFFile(bytes), elf.programHeaderTable.lowerBound > 0 else { return nil }
    var end: UInt64?
    for segment in elf.programHeaders where segment.type == ELFFile.ptLoad {
      let (segmentEnd, overflow) = segment.physicalAddress.addingReportingOverflow(
        segment.memorySize)
      guard !overflow else { return nil }
      end = max(end ?? 0, segmentEnd)
    }
    guard let end, end >= ramBase else { return nil }
    return end - ramBase
  }
}

/// `-M` below what the image needs.
public struct MemoryTooSmall: KraftError {
  public var kind: ErrorKind { .usage }
  public var requested: Int
  public var minimum: Int
  public var image: String
  public var message: String {
    "\(requested) MiB of guest memory is less than image '\(image)' needs to boot: at least \(minimum) MiB (its loaded size plus the kernel's minimum); use '-M \(minimum)Mi' or more"
  }

  public init(requested: Int, minimum: Int, image: String) {
    self.requested = requested
    self.minimum = minimum
    self.image = image
  }
}
