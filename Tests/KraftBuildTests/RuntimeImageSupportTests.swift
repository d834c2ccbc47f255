import KraftBuild
import KraftModel
import Testing

/// Catalog-style runtime images validate but are refused by `kraft build` with what is
/// missing, before anything is fetched.
@Suite struct RuntimeImageSupportTests {
  @Test func runtimeAndDockerfileRootfsAreNotBuildableYet() {
    var kraftfile = Kraftfile(directory: "/p")
    kraftfile.runtime = "base:latest"
    kraftfile.rootfs = "./Dockerfile"
    let error = #expect(throws: UnsupportedImage.self) {
      try RuntimeImageSupport.checkBuildable(kraftfile)
    }
    let lines = error?.message.split(separator: "\n") ?? []
    #expect(lines.count == 2)
    #expect(lines.first?.hasPrefix("'runtime: base:latest' is not supported yet") == true)
    #expect(lines.last?.hasPrefix("'rootfs: ./Dockerfile' is not supported yet") == true)
  }

  @Test func sourceBuildsWithAFolderOrCpioRootfsPass() throws {
    var kraftfile = Kraftfile(directory: "/p")
    for rootfs in ["./rootfs", "fs.cpio", "./Dockerfiles"] {
      kraftfile.rootfs = rootfs
      try RuntimeImageSupport.checkBuildable(kraftfile)
    }
    #expect(RuntimeImageSupport.isDockerfile("build/app.Dockerfile"))
    #expect(RuntimeImageSupport.isDockerfile("Dockerfile.debug"))
  }
}
