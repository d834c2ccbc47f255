import KraftBasics
import KraftBuild
import KraftModel
import Testing

/// `kraft run` below the command line: the checks before a VM starts, and the run it makes.
@Suite struct ProjectRunnerTests {
  static let target = Target(platform: .qemu, architecture: .x86_64)
  static let kraftfile = Kraftfile(
    name: "demo", directory: "/p", targets: [target], cmd: ["serve", "-v"], rootfs: "rootfs")
  static let image = "/p/.unikraft/build/demo_qemu-x86_64"

  static func runner(_ files: [String: String], environment: [String: String] = [:]) -> ProjectRunner {
    ProjectRunner(
      kraftfile: kraftfile, fileSystem: InMemoryFileSystem(files: files), environment: environment,
      currentDirectory: "/home")
  }

  @Test func theBuiltImageItsInitrdAndTheKraftfilesCommandAreBooted() throws {
    let runner = Self.runner([
      Self.image: "", Self.image + ".dbg": "", "/p/.unikraft/build/demo.initrd": "",
    ])
    #expect(runner.layout.image(for: Self.target) == Self.image)
    let prepared = try runner.prepare(
      ProjectRunner.Options(target: Self.target, memory: 64, kernelArguments: ["env.A=1"], acceleration: .tcg)
    )
    let request = prepared.run.request
    #expect(request.appArguments == ["serve", "-v"])
    #expect(request.kernelArguments == ["env.A=1"])
    #expect(request.initrd == "/p/.unikraft/build/demo.initrd")
    #expect(!request.kvm)
    #expect(prepared.run.debugImage == Self.image + ".dbg")
    #expect(prepared.note == nil)
  }

  @Test func aMissingImageOrInitrdStopsBeforeAnyVM() throws {
    let error = #expect(throws: ImageMissing.self) {
      try Self.runner([:]).prepare(ProjectRunner.Options(target: Self.target, memory: 64))
    }
    #expect(error?.message.contains("run 'kraft build' first") == true)
    let initrd = #expect(throws: ImageMissing.self) {
      try Self.runner([Self.image: ""]).prepare(
        ProjectRunner.Options(target: Self.target, memory: 64, initrd: "root.cpio", acceleration: .tcg))
    }
    #expect(initrd?.message == "initrd 'root.cpio' does not exist; give a cpio archive's path")
    let given = try Self.runner([Self.image: "", "/home/root.cpio": ""]).prepare(
      ProjectRunner.Options(
        target: Self.target, memory: 64, appArguments: ["x"], initrd: "root.cpio", acceleration: .kvm))
    #expect(given.run.request.initrd == "/home/root.cpio")
    #expect(given.run.request.appArguments == ["x"])
    #expect(given.run.request.kvm)
  }

  @Test func kraftAccelerationIsReadAndAWrongValueNamed() throws {
    let files = [Self.image: ""]
    let kvm = try Self.runner(files, environment: ["KRAFT_ACCELERATION": "kvm"]).prepare(
      ProjectRunner.Options(target: Self.target, memory: 64))
    #expect(kvm.run.request.kvm)
    let forced = try Self.runner(files, environment: ["KRAFT_ACCELERATION": "kvm"]).prepare(
      ProjectRunner.Options(target: Self.target, memory: 64, acceleration: .tcg))
    #expect(!forced.run.request.kvm)
    #expect(throws: InvalidAcceleration.self) {
      try Self.runner(files, environment: ["KRAFT_ACCELERATION": "fast"]).prepare(
        ProjectRunner.Options(target: Self.target, memory: 64))
    }
  }
}
