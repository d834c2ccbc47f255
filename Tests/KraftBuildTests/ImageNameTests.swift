import KraftBuild
import KraftModel
import Testing

@Suite struct ImageNameTests {
  @Test func namesFollowUnikraft() {
    let target = Target(platform: .firecracker, architecture: .x86_64)
    #expect(ImageName.image(project: "hello", target: target) == "hello_fc-x86_64")
    #expect(ImageName.debugImage(project: "hello", target: target) == "hello_fc-x86_64.dbg")
  }

  /// Names Unikraft accepts (`httpserver-g++13.2`) keep their look; anything a shell, ninja
  /// or a file listing would trip on becomes `_`.
  @Test func outputNamesAreSafeFileNames() {
    let target = Target(platform: .qemu, architecture: .arm64)
    #expect(ImageName.image(project: "httpserver-g++13.2", target: target) == "httpserver-g++13.2_qemu-arm64")
    #expect(ImageName.fileSafe("caddy:2.10") == "caddy_2.10")
    #expect(ImageName.fileSafe("café$(x)") == "caf___x_")
    #expect(ImageName.fileSafe(".hidden") == "_.hidden")
    #expect(ImageName.fileSafe("-rf") == "_-rf")
  }
}
