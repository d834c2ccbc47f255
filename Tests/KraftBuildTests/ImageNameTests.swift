import KraftBuild
import KraftModel
import Testing

@Suite struct ImageNameTests {
  @Test func namesFollowUnikraft() {
    let target = Target(platform: .firecracker, architecture: .x86_64)
    #expect(ImageName.image(project: "hello", target: target) == "hello_fc-x86_64")
    #expect(ImageName.debugImage(project: "hello", target: target) == "hello_fc-x86_64.dbg")
  }
}
