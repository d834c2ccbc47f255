import KraftBuild
import KraftManifest
import KraftModel
import Testing

/// Kraftfiles written for Unikraft's lwip (`libraries: lwip: kconfig: CONFIG_LWIP_*`): the
/// options kraft's libraries declare are theirs, the ones Unikraft has that kraft always honours
/// pass when set to y, the ones it ignores are warnings at their line, anything else stays an
/// error.
@Suite struct UnikraftOptionTableTests {
  static let target = Target(platform: .qemu, architecture: .x86_64)

  /// A stand-in for kraft's lwip port that declares one of Unikraft's names itself.
  static let catalog: [LibraryManifest] = [
    LibraryManifest(name: "arch-x86_64", kind: .arch, architectures: [.x86_64], directory: "/k/arch"),
    LibraryManifest(name: "plat-qemu", kind: .platform, platforms: [.qemu], directory: "/k/plat"),
    LibraryManifest(name: "netdev", directory: "/k/lib/netdev"),
    LibraryManifest(
      name: "lwip", kind: .port, requires: ["netdev"],
      options: [
        LibraryOption(name: "CONFIG_LWIP_IPV6", kind: .bool, defaultValue: .bool(false), library: "lwip")
      ], directory: "/k/ports/lwip"),
  ]

  static let kraftfile = """
    spec: v0.6

    name: http

    unikraft:
      version: stable
      kconfig:
        CONFIG_LIBUKBUS: 'y'
        CONFIG_LIBPOSIX_FDIO: 'y'

    targets:
    - qemu/x86_64

    libraries:
      lwip:
        version: stable
        kconfig:
          CONFIG_LWIP_UKNETDEV: 'y'
          CONFIG_LWIP_IPV6: 'y'
          CONFIG_LWIP_POOLS: 'y'
          CONFIG_LWIP_DHCP: 'n'

    """

  func resolve(_ text: String) throws -> OptionResolution {
    let kraftfile = try KraftfileParser().parse(text, file: "Kraftfile", directory: "/p")
    return try OptionResolver(catalog: Self.catalog).resolve(kraftfile, for: kraftfile.targets[0])
  }

  @Test func unikraftsLwipKraftfileResolvesWithAWarningPerIgnoredOption() throws {
    let resolution = try resolve(Self.kraftfile)
    #expect(resolution.libraries.map(\.name).contains("lwip"))
    // Declared by the port: its own option, set as written, no warning.
    #expect(resolution["CONFIG_LWIP_IPV6"]?.value == .bool(true))
    let byLine = Dictionary(uniqueKeysWithValues: resolution.warnings.map { ($0.location?.line ?? 0, $0) })
    // Lines 8, 9 and 18 set built-in options to y, what kraft does anyway: nothing to say.
    #expect(Set(byLine.keys) == [20, 21])
    #expect(resolution.warnings.allSatisfy { $0.severity == .warning })
    #expect(byLine[20]?.message.contains("does not implement") == true)
    #expect(byLine[21]?.message.contains("cannot be turned off") == true)
    #expect(byLine[21]?.message.contains("'CONFIG_LWIP_DHCP'") == true)
  }

  @Test func anOptionNeitherKraftNorTheTableKnowsIsStillAnError() {
    let text = Self.kraftfile.replacingOccurrences(of: "CONFIG_LWIP_POOLS", with: "CONFIG_LWIP_TYPO")
    let error = #expect(throws: Diagnostics.self) { try resolve(text) }
    #expect(error?.items.first?.message.hasPrefix("unknown option 'CONFIG_LWIP_TYPO'") == true)
    #expect(error?.items.first?.location?.line == 20)
  }

  @Test func theTableCoversWhatUnikraftsHttpExampleSets() {
    // The options Unikraft's catalog sets for its C HTTP server (native/http-c): each has a
    // kraft meaning, so that Kraftfile builds, neither with errors nor with warnings.
    for name in [
      "CONFIG_LIBUKBUS", "CONFIG_LIBPOSIX_FDIO", "CONFIG_LIBUKNETDEV_EINFO_LIBPARAM", "CONFIG_LWIP_UKNETDEV",
      "CONFIG_LWIP_TCP", "CONFIG_LWIP_THREADS", "CONFIG_LWIP_SOCKET", "CONFIG_LWIP_AUTOIFACE",
      "CONFIG_LWIP_IPV4", "CONFIG_LWIP_DHCP",
    ] {
      #expect(UnikraftOptionTable.entries[name] != nil, "\(name)")
      // Each is built in, so set to y as that file sets it, it builds without a warning.
      #expect(UnikraftOptionTable.warning(name: name, value: "y", at: nil) == nil, "\(name)")
      #expect(UnikraftOptionTable.warning(name: name, value: "n", at: nil)?.message.contains(name) == true)
    }
    #expect(UnikraftOptionTable.warning(name: "CONFIG_KCORE_ASSERT", value: "y", at: nil) == nil)
    // Only Unikraft's spellings: every name is a CONFIG_ symbol.
    #expect(UnikraftOptionTable.entries.keys.allSatisfy { $0.hasPrefix("CONFIG_") })
  }
}
