import Foundation
import KraftBasics
import KraftModel
import Testing

@testable import KraftBuild

/// The least memory an image boots in, read from its program headers or arm64 Image header.
@Suite struct ImageMemoryRequirementTests {
  /// A 64-bit little-endian ELF header with the given PT_LOAD segments (paddr, memsz) and one
  /// PT_TLS segment that must be ignored.
  static func elf(_ segments: [(paddr: UInt64, memsz: UInt64)]) -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: 64 + 56 * (segments.count + 1))
    bytes.replaceSubrange(0..<6, with: [0x7f, 0x45, 0x4c, 0x46, 2, 1])
    func put(_ value: UInt64, _ offset: Int, _ width: Int) {
      for index in 0..<width { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * index)) }
    }
    put(64, 32, 8)  // e_phoff
    put(56, 54, 2)  // e_phentsize
    put(UInt64(segments.count + 1), 56, 2)
    for (index, segment) in segments.enumerated() {
      let base = 64 + 56 * index
      put(1, base, 4)
      put(segment.paddr, base + 24, 8)
      put(segment.memsz, base + 40, 8)
    }
    let tls = 64 + 56 * segments.count
    put(7, tls, 4)
    put(0x7000_0000, tls + 24, 8)
    put(0x1000, tls + 40, 8)
    return bytes
  }

  @Test func x86ImagesNeedTheirLoadedEndPlusTheKernelReserve() {
    // Loaded at 1 MiB, 300 KiB long: ends at 1.29 MiB, plus the reserve: 2 MiB.
    let image = Self.elf([(0x10_0000, 0x3_0000), (0x13_0000, 0x1_b000)])
    #expect(ImageMemoryRequirement.minimumMegabytes(image: image, architecture: .x86_64) == 2)
    // A 40 MiB .bss moves the minimum with it.
    let big = Self.elf([(0x10_0000, 40 << 20)])
    #expect(ImageMemoryRequirement.minimumMegabytes(image: big, architecture: .x86_64) == 42)
  }

  @Test func arm64CountsFromTheStartOfRamAndLeavesQemuRoomForTheDeviceTree() {
    let image = Self.elf([(0x4020_0000, 0x8_0000)])
    // Ends at 2.5 MiB; QEMU virt puts the device tree at the next 2 MiB boundary (4 MiB) and
    // needs up to 1 MiB for it: measured, 4 MiB fails with "Not enough space for DTB".
    #expect(ImageMemoryRequirement.minimumMegabytes(image: image, architecture: .arm64) == 5)
    // An initrd is loaded after the image and moves the tree.
    #expect(
      ImageMemoryRequirement.minimumMegabytes(image: image, architecture: .arm64, initrdSize: 0x20_0000) == 7)
  }

  @Test func theInitrdCountsOnX86Too() {
    let image = Self.elf([(0x10_0000, 0x3_0000)])
    #expect(
      ImageMemoryRequirement.minimumMegabytes(image: image, architecture: .x86_64, initrdSize: 3 << 20) == 5)
  }

  @Test func arm64LinuxImageHeaderIsRead() {
    var header = [UInt8](repeating: 0, count: 64)
    header[8] = 0x00
    header[10] = 0x20  // text_offset 0x200000
    header[18] = 0x30  // image_size 0x300000
    header.replaceSubrange(56..<60, with: [0x41, 0x52, 0x4d, 0x64])
    // Ends at 5 MiB: the device tree goes at 6 MiB.
    #expect(ImageMemoryRequirement.minimumMegabytes(image: header, architecture: .arm64) == 7)
  }

  @Test func otherFilesHaveNoMinimum() {
    #expect(
      ImageMemoryRequirement.minimumMegabytes(image: Array("not an image".utf8), architecture: .x86_64) == nil
    )
    var truncated = Self.elf([(0x10_0000, 0x1000)])
    truncated.removeLast(100)
    #expect(ImageMemoryRequirement.minimumMegabytes(image: truncated, architecture: .x86_64) == nil)
  }
}

/// Whether `kraft run` uses KVM: the decision logic, with the probe's results injected (tests
/// never depend on KVM).
@Suite struct AccelerationProbeTests {
  final class Counter: @unchecked Sendable {
    var measured = 0
  }

  static func probe(
    kvm: Bool = true, key: String = "machine-1", cache: String? = nil, counter: Counter = Counter(),
    result: @escaping @Sendable (String) throws -> AccelerationVerdict
  ) -> AccelerationProbe {
    AccelerationProbe(
      hostArchitecture: .x86_64, kvmUsable: { kvm }, cachePath: cache, key: { key },
      measure: { key in
        counter.measured += 1
        return try result(key)
      })
  }

  static func verdict(_ key: String, kvm: Double?, tcg: Double) -> AccelerationVerdict {
    AccelerationVerdict(
      key: key, kvmWorks: kvm != nil, kvmSeconds: kvm, tcgSeconds: tcg,
      problem: kvm.map { $0 > tcg ? "KVM is slower than TCG here" : nil } ?? "KVM failed")
  }

  @Test func kvmWhenItWorksAndIsNotSlower() {
    let decision = Self.probe { Self.verdict($0, kvm: 0.05, tcg: 0.3) }.decide(for: .x86_64)
    #expect(decision == AccelerationDecision(useKVM: true, note: nil))
  }

  @Test func tcgWithANoteWhenKvmIsSlowerOrBroken() {
    let slower = Self.probe { Self.verdict($0, kvm: 2.5, tcg: 0.3) }.decide(for: .x86_64)
    #expect(!slower.useKVM)
    #expect(slower.note?.contains("slower") == true)
    #expect(slower.note?.contains("--kvm") == true)
    let broken = Self.probe { Self.verdict($0, kvm: nil, tcg: 0.3) }.decide(for: .x86_64)
    #expect(!broken.useKVM)
    #expect(broken.note?.contains("KVM failed") == true)
    struct NoQemu: Error {}
    let failed = Self.probe { _ in throw NoQemu() }.decide(for: .x86_64)
    #expect(!failed.useKVM)
    #expect(failed.note?.contains("could not probe") == true)
  }

  @Test func noKvmDeviceMeansTcgWithoutProbing() {
    let counter = Counter()
    let decision = Self.probe(kvm: false, counter: counter) { Self.verdict($0, kvm: 0.01, tcg: 1) }
      .decide(for: .x86_64)
    #expect(!decision.useKVM)
    #expect(decision.note?.contains("/dev/kvm") == true)
    #expect(counter.measured == 0)
  }

  @Test func anotherArchitectureIsEmulatedSilently() {
    let counter = Counter()
    let decision = Self.probe(counter: counter) { Self.verdict($0, kvm: 0.01, tcg: 1) }.decide(for: .arm64)
    #expect(decision == AccelerationDecision(useKVM: false, note: nil))
    #expect(counter.measured == 0)
  }

  @Test func theVerdictIsCachedPerMachineKey() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kraft-probe-\(UUID())")
    defer { try? FileManager.default.removeItem(at: folder) }
    let cache = folder.appendingPathComponent("acceleration-probe.json").path
    let counter = Counter()
    let first = Self.probe(cache: cache, counter: counter) { Self.verdict($0, kvm: 0.01, tcg: 1) }
    #expect(first.decide(for: .x86_64).useKVM)
    #expect(first.decide(for: .x86_64).useKVM)
    #expect(counter.measured == 1)
    // A new kernel or QEMU (another key) probes again.
    let upgraded = Self.probe(key: "machine-2", cache: cache, counter: counter) {
      Self.verdict($0, kvm: 3, tcg: 1)
    }
    #expect(!upgraded.decide(for: .x86_64).useKVM)
    #expect(counter.measured == 2)
  }
}

/// The probe VM itself, under TCG only (the KVM half is what the decision tests inject).
@Suite struct ResetVectorProbeTests {
  static let qemu = ExecutableLocator().find("qemu-system-x86_64")

  @Test(.enabled(if: qemu != nil, "needs qemu-system-x86_64"))
  func theProbeFirmwareRunsItsLoopAndExitsWithTheExpectedStatus() throws {
    let probe = ResetVectorProbe(qemu: Self.qemu!, iterations: 1_000_000)
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("probe-\(UUID()).bin").path
    try Data(probe.firmware()).write(to: URL(fileURLWithPath: path))
    defer { try? FileManager.default.removeItem(atPath: path) }
    let result = try probe.time(probe.command(firmware: path, accelerator: "tcg"), limit: 30)
    #expect(result.status == 3)
    #expect(result.seconds != nil)
    #expect(!result.timedOut)
  }
}
