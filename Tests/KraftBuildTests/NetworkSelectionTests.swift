import Foundation
import KraftBasics
import KraftBuild
import KraftManifest
import KraftModel
import Testing

/// What a Kraftfile naming only `lwip` (Unikraft's shape) gets from the selection: a libc with
/// the POSIX interfaces lwip requires instead of the default one, and the machine's NIC driver
/// through `netdev`'s `implies`. First on a small catalog shaped like the kernel's, then on this
/// repository's own metadata.
@Suite struct NetworkSelectionTests {
  static let catalog: [LibraryManifest] = [
    LibraryManifest(name: "arch-x86_64", kind: .arch, architectures: [.x86_64], directory: "/k/a"),
    LibraryManifest(name: "arch-arm64", kind: .arch, architectures: [.arm64], directory: "/k/b"),
    LibraryManifest(
      name: "plat-qemu", kind: .platform, platforms: [.qemu], requires: ["kcore"], directory: "/k/q"),
    LibraryManifest(
      name: "plat-firecracker", kind: .platform, platforms: [.firecracker], requires: ["kcore"],
      directory: "/k/f"),
    LibraryManifest(
      name: "plat-xen", kind: .platform, platforms: [.xen], requires: ["kcore"], directory: "/k/x"),
    LibraryManifest(name: "kcore", requires: ["libc"], directory: "/k/kcore"),
    LibraryManifest(name: "nolibc", provides: ["libc"], defaultFor: ["libc"], directory: "/k/nolibc"),
    LibraryManifest(name: "musl", kind: .port, provides: ["libc", "posix-libc"], directory: "/p/musl"),
    LibraryManifest(name: "lwip", kind: .port, requires: ["posix-libc", "netdev"], directory: "/p/lwip"),
    {
      var netdev = LibraryManifest(name: "netdev", requires: ["kcore"], directory: "/k/netdev")
      netdev.implies = ["nic"]
      return netdev
    }(),
    LibraryManifest(
      name: "virtio-net", platforms: [.qemu, .firecracker], requires: ["virtio-transport", "netdev"],
      provides: ["nic"], defaultFor: ["nic"], directory: "/k/vnet"),
    LibraryManifest(
      name: "virtio-pci", architectures: [.x86_64], platforms: [.qemu], provides: ["virtio-transport"],
      defaultFor: ["virtio-transport"], directory: "/k/vpci"),
    LibraryManifest(name: "virtio-mmio", provides: ["virtio-transport"], directory: "/k/vmmio"),
  ]

  static func resolve(
    _ target: String, libraries: [String] = ["lwip"], kconfig: [String: String] = [:],
    catalog: [LibraryManifest] = catalog
  ) throws -> OptionResolution {
    let parts = target.split(separator: "/").map(String.init)
    let parsed = Target(
      platform: try #require(Platform(name: parts[0])),
      architecture: try #require(Architecture(name: parts[1])))
    let kraftfile = Kraftfile(
      directory: "/p", libraries: libraries.map { Component(name: $0) }, targets: [parsed],
      kconfig: kconfig.map { KConfigAssignment(name: $0.key, value: $0.value) })
    return try OptionResolver(catalog: catalog).resolve(kraftfile, for: parsed)
  }

  @Test func lwipBringsMuslAndTheMachinesNicDriver() throws {
    for (target, transport) in [
      ("qemu/x86_64", "virtio-pci"), ("fc/x86_64", "virtio-mmio"), ("qemu/arm64", "virtio-mmio"),
    ] {
      let resolution = try Self.resolve(target)
      let names = resolution.libraries.map(\.name)
      #expect(names.contains("musl") && !names.contains("nolibc"), "\(target): \(names)")
      #expect(names.contains("virtio-net") && names.contains(transport), "\(target): \(names)")
      #expect(names.filter { $0.hasPrefix("virtio-") }.count == 2, "\(target): \(names)")
      #expect(
        resolution["CONFIG_LIBVIRTIO_NET"]?.origin == .selection(reason: "provides 'nic' implied by 'netdev'")
      )
      // The one thing said: why the libc is not the default one.
      #expect(
        resolution.warnings.map(\.message) == [
          "'musl' is the image's 'libc' rather than the default 'nolibc': 'lwip' requires 'posix-libc', which 'musl' provides"
        ], "\(target)")
      #expect(resolution.warnings.allSatisfy { $0.severity == .note })
    }
  }

  @Test func withoutANetworkStackNothingChanges() throws {
    let resolution = try Self.resolve("qemu/x86_64", libraries: [])
    #expect(resolution.libraries.map(\.name) == ["arch-x86_64", "plat-qemu", "kcore", "nolibc"])
    #expect(resolution.warnings.isEmpty)
  }

  @Test func listingMuslItselfGivesTheSameImageWithoutANote() throws {
    let listed = try Self.resolve("qemu/x86_64", libraries: ["musl", "lwip"])
    let implicit = try Self.resolve("qemu/x86_64")
    #expect(Set(listed.libraries.map(\.name)) == Set(implicit.libraries.map(\.name)))
    #expect(listed.warnings.isEmpty)
  }

  @Test func anImpliedDriverSetToNIsLeftOutSilently() throws {
    let resolution = try Self.resolve("qemu/x86_64", kconfig: ["CONFIG_LIBVIRTIO_NET": "n"])
    #expect(!resolution.libraries.map(\.name).contains { $0.hasPrefix("virtio") })
    #expect(resolution.warnings.count == 1)  // the libc note only
  }

  @Test func aPlatformWithoutANicDriverGetsANoteNotAnError() throws {
    let resolution = try Self.resolve("xen/x86_64", libraries: ["netdev"])
    #expect(!resolution.libraries.map(\.name).contains("virtio-net"))
    #expect(
      resolution.warnings.map(\.message) == [
        "'netdev' implies 'nic', but no library provides it for 'xen/x86_64'; the image is built without one"
      ])
  }

  @Test func anExplicitDriverIsNotAddedTwice() throws {
    let resolution = try Self.resolve("fc/x86_64", kconfig: ["CONFIG_LIBVIRTIO_NET": "y"])
    #expect(resolution.libraries.filter { $0.name == "virtio-net" }.count == 1)
    #expect(
      resolution["CONFIG_LIBVIRTIO_NET"]?.origin != .selection(reason: "provides 'nic' implied by 'netdev'"))
  }

  @Test func forcingNolibcWithLwipNamesBothProviders() {
    let error = #expect(throws: Diagnostics.self) {
      try Self.resolve("qemu/x86_64", kconfig: ["CONFIG_LIBNOLIBC": "y"])
    }
    #expect(
      error?.items.map(\.message).contains {
        $0.contains("'nolibc'") && $0.contains("'musl'") && $0.contains("both provide 'libc'")
      } == true, "\(error?.items.map(\.message) ?? [])")
  }

  /// This repository's Kernel/ and Ports/ metadata, with Tests/Images/http-c-shape's Kraftfile
  /// (Unikraft's shape: only lwip and Unikraft's option names): musl, virtio-net on the
  /// machine's transport, and nothing to warn about.
  @Test(arguments: [
    ("qemu/x86_64", "virtio-pci"), ("fc/x86_64", "virtio-mmio"), ("qemu/arm64", "virtio-mmio"),
  ])
  func theRepositorysMetadataServesUnikraftsShape(target: String, transport: String) throws {
    let repository = URL(fileURLWithPath: #filePath)
      .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    let fileSystem = LocalFileSystem()
    let catalog = try LibraryCatalog.load(
      kernel: KernelTree(kernelDirectory: repository + "/Kernel", portsDirectory: repository + "/Ports"),
      fileSystem: fileSystem
    ).libraries
    let project = repository + "/Tests/Images/http-c-shape"
    let kraftfile = try KraftfileParser().parse(
      try fileSystem.readText(project + "/Kraftfile"), file: "Kraftfile", directory: project)
    let chosen = try #require(kraftfile.targets.first { $0.shortForm == target })
    let resolution = try OptionResolver(catalog: catalog).resolve(kraftfile, for: chosen)
    let names = resolution.libraries.map(\.name)
    for wanted in ["lwip", "musl", "netdev", "virtio-net", transport] {
      #expect(names.contains(wanted), "\(target): \(names)")
    }
    #expect(!names.contains("nolibc"))
    #expect(resolution.warnings.map(\.severity) == [.note], "\(resolution.warnings.map(\.message))")
  }
}
