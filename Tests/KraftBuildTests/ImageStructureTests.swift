import Foundation
import KraftBasics
import KraftBuild
import KraftModel
import KraftTestSupport
import Testing

/// The images of the targets that cannot boot here, checked for what their loaders need: the
/// Xen PVH image's notes, entry point and segments (Xen cannot run on this machine), and the
/// arm64 images' Linux Image header and load address (Firecracker cannot run here; QEMU virt
/// boots qemu/arm64 in the boot tests). One real build of a tiny app through the real kernel
/// tree, shared by every test.
@Suite(.tags(.slow), .slowTier) struct ImageStructureTests {
  final class Images: @unchecked Sendable {
    let root: String
    let plan: BuildPlan

    static let targets = [
      Target(platform: .qemu, architecture: .x86_64),
      Target(platform: .firecracker, architecture: .x86_64),
      Target(platform: .xen, architecture: .x86_64),
      Target(platform: .qemu, architecture: .arm64),
      Target(platform: .firecracker, architecture: .arm64),
    ]

    init() throws {
      let fileSystem = LocalFileSystem()
      root =
        FileManager.default.temporaryDirectory
        .appendingPathComponent("kraft-images-\(UUID().uuidString)").path
      try fileSystem.writeText(
        "#include <stdio.h>\nint main(void) { puts(\"hello\"); return 0; }\n", to: root + "/main.c")
      let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      let tree = KernelTree(kernelDirectory: repository.path + "/Kernel")
      let catalog = try LibraryCatalog.load(kernel: tree, fileSystem: fileSystem)
      let kraftfile = Kraftfile(name: "shape", directory: root, targets: Self.targets)
      let request = BuildRequest(
        kraftfile: kraftfile, projectName: "shape", outputDirectory: root + "/.unikraft/build",
        targets: Self.targets, catalog: catalog.libraries, commonIncludes: tree.commonIncludes)
      plan = try BuildPlanner(
        fileSystem: fileSystem, toolchains: { try ToolchainDetector().detect(preferred: nil, for: $0) }
      ).plan(request)
      _ = try BuildExecutor(fileSystem: fileSystem, runner: SystemProcessRunner())
        .execute(plan, progress: ProgressDisplay(output: TextBuffer()))
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    func paths(_ platform: Platform, _ architecture: Architecture) throws -> (image: String, debug: String) {
      let target = try #require(
        plan.targets.first { $0.target.platform == platform && $0.target.architecture == architecture })
      return (target.image, target.debugImage)
    }

    static func read(_ path: String) throws -> [UInt8] {
      [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    static let shared = SharedFixture { try Images() }
  }

  // Xen's public ELF note types (xen/include/public/elfnote.h).
  static let xenNotePhys32Entry: UInt32 = 18
  static let xenNoteGuestOS: UInt32 = 6
  static let xenNoteXenVersion: UInt32 = 5
  static let xenNoteLoader: UInt32 = 8

  static func xenNotes(_ elf: ELFFile) throws -> [ELFFile.Note] {
    let segment = try #require(elf.programHeaders.first { $0.type == ELFFile.ptNote }, "no PT_NOTE segment")
    return try elf.notes(offset: segment.offset, size: segment.fileSize).filter { $0.name == "Xen" }
  }

  static func littleEndian(_ bytes: some Collection<UInt8>) -> UInt64 {
    bytes.reversed().reduce(0) { $0 << 8 | UInt64($1) }
  }

  @Test func xenImageCarriesThePVHEntryNoteAtItsEntryPoint() async throws {
    let elf = try ELFFile(Images.read(try await Images.shared.value.paths(.xen, .x86_64).image))
    #expect(elf.machine == ELFFile.machineX86_64)
    #expect(elf.type == 2, "an executable, loaded where it is linked")

    let notes = try Self.xenNotes(elf)
    let entry = try #require(
      notes.first { $0.type == Self.xenNotePhys32Entry }, "no XEN_ELFNOTE_PHYS32_ENTRY")
    let address = Self.littleEndian(entry.descriptor)
    // PVH enters in 32-bit protected mode: the address must fit in 32 bits.
    #expect(address < 1 << 32)
    #expect(address == elf.entry, "the PVH entry note and the ELF entry point disagree")
  }

  @Test func xenImageNamesItselfToTheToolstack() async throws {
    let elf = try ELFFile(Images.read(try await Images.shared.value.paths(.xen, .x86_64).image))
    let notes = try Self.xenNotes(elf)
    func text(_ type: UInt32) -> String? {
      notes.first { $0.type == type }.map {
        String(decoding: $0.descriptor.prefix { $0 != 0 }, as: UTF8.self)
      }
    }
    #expect(text(Self.xenNoteGuestOS) == "kraft")
    #expect(text(Self.xenNoteXenVersion) == "xen-3.0")
    #expect(text(Self.xenNoteLoader) == "generic")
  }

  @Test func xenImageEntryIsInsideLoadedCode() async throws {
    let paths = try await Images.shared.value.paths(.xen, .x86_64)
    // Sections are stripped from the image; the .dbg file has the same layout and keeps them.
    let debug = try ELFFile(Images.read(paths.debug))
    let image = try ELFFile(Images.read(paths.image))
    #expect(debug.entry == image.entry)
    let text = try #require(debug.section(named: ".text"))
    #expect(text.address <= debug.entry && debug.entry < text.address + text.size)

    let loads = image.programHeaders.filter { $0.type == ELFFile.ptLoad }
    #expect(!loads.isEmpty)
    for load in loads {
      #expect(load.alignment >= 4096 && load.alignment.nonzeroBitCount == 1, "alignment \(load.alignment)")
      #expect(load.virtualAddress % load.alignment == load.offset % load.alignment)
      #expect(load.physicalAddress >= 0x100000, "PVH images load above 1 MiB")
      #expect(load.memorySize >= load.fileSize)
    }
    #expect(
      loads.contains { $0.virtualAddress <= image.entry && image.entry < $0.virtualAddress + $0.fileSize })
  }

  /// Both arm64 images: the Linux Image header starts the loaded bytes, and its text_offset
  /// plus the platform's RAM base is where the image is linked, so QEMU virt (RAM at 1 GiB)
  /// and Firecracker (RAM at 2 GiB) put it where it runs.
  @Test(arguments: [(Platform.qemu, UInt64(0x4000_0000)), (Platform.firecracker, UInt64(0x8000_0000))])
  func arm64ImageHasALinuxImageHeaderMatchingItsLoadAddress(platform: Platform, ramBase: UInt64) async throws
  {
    let paths = try await Images.shared.value.paths(platform, .arm64)
    let debug = try ELFFile(Images.read(paths.debug))
    #expect(debug.machine == ELFFile.machineAArch64)
    let loads = debug.programHeaders.filter { $0.type == ELFFile.ptLoad }
      .sorted { $0.virtualAddress < $1.virtualAddress }
    let load = try #require(loads.first)
    let last = try #require(loads.last)
    #expect(debug.entry == load.virtualAddress, "the header's first word is the entry")

    // The image file is the Image itself (image-format: binary) or, while the build writes
    // ELF files, the segment at its file offset is; either way it is what the loader reads.
    let bytes = try Images.read(paths.image)
    let header: [UInt8]
    if ELFFile.isELF(bytes) {
      let image = try ELFFile(bytes)
      let segment = try #require(image.programHeaders.first { $0.type == ELFFile.ptLoad })
      header = try image.contents(offset: segment.offset, size: 64)
    } else {
      header = Array(bytes.prefix(64))
    }
    try #require(header.count == 64)
    #expect(Array(header[56..<60]) == Array("ARM\u{64}".utf8), "no arm64 Image magic")
    let code0 = UInt32(Self.littleEndian(header[0..<4]))
    #expect(code0 >> 26 == 0b000101, "code0 is not a branch: 0x\(String(code0, radix: 16))")
    let textOffset = Self.littleEndian(header[8..<16])
    let imageSize = Self.littleEndian(header[16..<24])
    let flags = Self.littleEndian(header[24..<32])
    #expect(ramBase + textOffset == load.virtualAddress)
    #expect(
      imageSize >= last.virtualAddress + last.memorySize - load.virtualAddress,
      "image_size must cover every segment, BSS included")
    #expect(flags & 1 == 0, "little-endian kernel")
    #expect((flags >> 1) & 3 == 1, "4 KiB pages")
  }

  static let pfX: UInt32 = 1
  static let pfW: UInt32 = 2
  static let pfR: UInt32 = 4

  /// W^X: every image loads as code (R-X), constants (R--), then data and BSS (RW-), each
  /// segment starting on a page of its own, so the kernel can map code read-only and the rest
  /// no-execute. The loaded file bytes lie where the addresses say (Multiboot and `objcopy -O
  /// binary` both copy the file as one block).
  @Test(arguments: Images.targets)
  func segmentsAreWriteXorExecute(target: Target) async throws {
    let paths = try await Images.shared.value.paths(target.platform, target.architecture)
    let debug = try ELFFile(Images.read(paths.debug))
    let loads = debug.programHeaders.filter { $0.type == ELFFile.ptLoad }
      .sorted { $0.virtualAddress < $1.virtualAddress }
    #expect(loads.map(\.flags) == [Self.pfR | Self.pfX, Self.pfR, Self.pfR | Self.pfW], "\(loads)")
    for load in loads {
      #expect(load.virtualAddress % 4096 == 0, "segment at \(load.virtualAddress) shares a page")
      #expect(load.flags & (Self.pfW | Self.pfX) != Self.pfW | Self.pfX)
    }
    for (lower, upper) in zip(loads, loads.dropFirst()) {
      #expect(lower.virtualAddress + lower.memorySize <= upper.virtualAddress)
      #expect(
        upper.offset - lower.offset == upper.virtualAddress - lower.virtualAddress,
        "file layout differs from memory layout")
    }
    let text = try #require(loads.first)
    #expect(text.virtualAddress <= debug.entry && debug.entry < text.virtualAddress + text.fileSize)
  }

  /// Xen itself cannot run here, but the image's PVH entry is the one every x86 loader uses:
  /// under QEMU (no Xen in CPUID) it falls back to COM1 and to isa-debug-exit, which checks the
  /// entry, the console fallback and the status line end to end.
  @Test func xenImageBootsThroughItsPVHEntryWithoutXen() async throws {
    let image = try await Images.shared.value.paths(.xen, .x86_64).image
    let qemu = try #require(
      ExecutableLocator().find("qemu-system-x86_64"), "qemu-system-x86_64 is not installed")
    let result = try SystemProcessRunner().capture(
      ProcessCommand(
        "/usr/bin/timeout",
        [
          "60", qemu, "-M", "microvm", "-m", "64", "-nographic", "-no-reboot", "-device",
          "isa-debug-exit,iobase=0xf4,iosize=0x01", "-kernel", image,
        ]))
    #expect(result.stdout.contains("hello"), "\(result.stdout)\(result.stderr)")
    #expect(result.stdout.contains("kraft: exit status 1"))
    #expect(result.status == 3, "QEMU exited \(result.status), not (1 << 1) | 1")
  }
}
