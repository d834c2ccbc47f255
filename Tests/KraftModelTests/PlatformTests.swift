import KraftModel
import Testing

@Suite struct PlatformTests {
  @Test func aliasesNormalise() {
    #expect(Platform(name: "fc") == .firecracker)
    #expect(Platform(name: "kvm") == .qemu)
    #expect(Platform(name: "vmware") == nil)
    #expect(Architecture(name: "aarch64") == .arm64)
  }

  @Test func shortFormUsesShortPlatformName() {
    let target = Target(platform: .firecracker, architecture: .x86_64)
    #expect(target.shortForm == "fc/x86_64")
  }
}
