import ArgumentParser
import KraftBuild
import KraftModel
import Testing

@testable import KraftCommands

/// kraftkit's command line: the spellings a Unikraft README uses, with kraftkit's meanings.
@Suite struct RunOptionsTests {
  @Test func kraftkitRunFlagsParse() throws {
    let run = try RunCommand.parse([
      "--rm", "--plat", "qemu", "--arch", "x86_64", "-M", "128Mi", "-e", "A=1", "-e", "B=two words",
      "-a", "loglevel=debug", "--kernel-arg", "x=a b", "-W", "--initrd", "fs.cpio", ".", "--", "app",
      "arg",
    ])
    #expect(run.remove)
    #expect(run.platform == "qemu")
    #expect(run.architecture == "x86_64")
    #expect(run.memory == "128Mi")
    #expect(run.environment == ["A=1", "B=two words"])
    // Each -a is one kernel argument, blanks included.
    #expect(run.kernelArguments == ["loglevel=debug", "x=a b"])
    #expect(run.disableAcceleration)
    #expect(run.initrd == "fs.cpio")
    #expect(run.project.project == ".")
    #expect(run.appArguments == ["app", "arg"])
  }

  @Test func shortFlagsMeanWhatTheyMeanInKraftkit() throws {
    let run = try RunCommand.parse(["-m", "arm64", "-M", "256", "-d", "-n", "web", "-t", "qemu/arm64"])
    #expect(run.architecture == "arm64")
    #expect(run.memory == "256")
    #expect(run.detach)
    #expect(run.name == "web")
    #expect(run.target == "qemu/arm64")
    // The old spelling of kernel arguments still works.
    #expect(try RunCommand.parse(["--kernel-args", "a b"]).kernelArguments == ["a b"])
  }

  @Test func portsAndNetworkParseAndTheirErrorsAreUsageErrors() throws {
    let run = try RunCommand.parse(["-p", "8080:80", "--port", "0.0.0.0:5353:53/udp", "."])
    #expect(run.ports == ["8080:80", "0.0.0.0:5353:53/udp"])
    #expect(try RunCommand.parse(["--network", "tap:tap0"]).network == "tap:tap0")
    for bad in [
      ["-p", "8080"], ["-p", "8080:80/sctp"], ["--network", "user"], ["-p", "1:2", "--network", "tap:t"],
    ] {
      do {
        _ = try RunCommand.parse(bad)
        Issue.record("\(bad) must be refused")
      } catch {
        #expect(RunCommand.exitCode(for: error).rawValue == 64, "\(bad)")
        #expect(RunCommand.message(for: error).contains(bad[1]), "\(bad)")
      }
    }
  }

  @Test func contradictoryOrMalformedRunFlagsAreUsageErrors() {
    #expect(throws: (any Error).self) { try RunCommand.parse(["--kvm", "-W"]) }
    #expect(throws: (any Error).self) { try RunCommand.parse(["-n", "x"]) }
    #expect(throws: (any Error).self) { try RunCommand.parse(["-M", "lots"]) }
    #expect(throws: (any Error).self) { try RunCommand.parse(["-p", "8080"]) }
    #expect(throws: (any Error).self) { try RunCommand.parse(["-p", "8080:99999"]) }
    #expect(throws: (any Error).self) { try RunCommand.parse(["--timeout", "0"]) }
  }

  @Test func buildCleanAndFetchTakePlatAndArch() throws {
    let build = try BuildCommand.parse(["-p", "qemu", "-m", "arm64"])
    #expect(build.targetFilter.platform == "qemu")
    #expect(build.targetFilter.architecture == "arm64")
    let clean = try CleanCommand.parse(["--plat", "fc", "--arch", "x86_64"])
    #expect(clean.targetFilter.platform == "fc")
    #expect(clean.targetFilter.architecture == "x86_64")
    // Unikraft's READMEs build with kraftkit's --no-cache --no-update.
    let readme = try BuildCommand.parse(["--no-cache", "--no-update", "--plat", "qemu", "--arch", "x86_64"])
    #expect(readme.noCache && readme.noUpdate)
    #expect(readme.targetFilter.platform == "qemu")
    let fetch = try FetchCommand.parse(["--plat", "qemu"])
    #expect(fetch.targetFilter.platform == "qemu")
  }

  @Test func memorySizesFollowKraftkitUnits() throws {
    #expect(try MemorySize.megabytes("64") == 64)
    #expect(try MemorySize.megabytes("64Mi") == 64)
    #expect(try MemorySize.megabytes("1Gi") == 1024)
    #expect(try MemorySize.megabytes("2048Ki") == 2)
    // Decimal units as kraftkit reads them, rounded up to whole MiB.
    #expect(try MemorySize.megabytes("1G") == 954)
    #expect(try MemorySize.megabytes("64M") == 62)
    for bad in ["", "0", "-1", "1Ti", "Mi", "12.5M", "1K"] {
      #expect(throws: (any Error).self, "\(bad)") { try MemorySize.megabytes(bad) }
    }
  }

  @Test func environmentFlagsOverrideTheKraftfileInOrder() throws {
    let arguments = try ApplicationEnvironment.kernelArguments(
      kraftfile: [("A", "1"), ("B", "2")], overrides: ["B=3", "C=x y", "HOME"],
      host: ["HOME": "/root"])
    #expect(arguments == ["env.A=1", "env.B=3", "env.C=x y", "env.HOME=/root"])
    // The command line quotes a value with blanks as one word.
    let request = RunRequest(
      target: Target(platform: .qemu, architecture: .x86_64), image: "/i", kernelArguments: arguments)
    #expect(request.commandLine == "env.A=1 env.B=3 \"env.C=x y\" env.HOME=/root --")
    #expect(throws: (any Error).self) {
      try ApplicationEnvironment.kernelArguments(kraftfile: [], overrides: ["UNSET_HERE"], host: [:])
    }
    #expect(throws: (any Error).self) {
      try ApplicationEnvironment.kernelArguments(kraftfile: [], overrides: ["=x"], host: [:])
    }
    #expect(throws: (any Error).self) {
      try ApplicationEnvironment.kernelArguments(kraftfile: [], overrides: ["1A=x"], host: [:])
    }
  }

  @Test func platAndArchNarrowTheTargets() throws {
    let kraftfile = Kraftfile(
      directory: "/p",
      targets: [
        Target(platform: .qemu, architecture: .x86_64), Target(platform: .firecracker, architecture: .x86_64),
        Target(platform: .qemu, architecture: .arm64),
      ])
    let layout = ProjectLayout(kraftfile: kraftfile)
    let select = { (names: [String], plat: String?, arch: String?) in
      try TargetSelection(names: names, platform: plat, architecture: arch).targets(layout).map(\.shortForm)
    }
    #expect(try select([], "qemu", nil) == ["qemu/x86_64", "qemu/arm64"])
    #expect(try select([], nil, "x86_64") == ["qemu/x86_64", "fc/x86_64"])
    #expect(try select([], "firecracker", "amd64") == ["fc/x86_64"])
    #expect(try select(["qemu/arm64"], "qemu", nil) == ["qemu/arm64"])
    let none = #expect(throws: NoMatchingTarget.self) { try select([], "fc", "arm64") }
    #expect(none?.message.contains("'--plat fc' with '--arch arm64'") == true)
    #expect(none.map { ExitStatus.code(for: $0.kind) } == 64)
    #expect(throws: NoMatchingTarget.self) { try select([], "vmware", nil) }
  }

  @Test func detachedInstanceNamesAreChecked() {
    #expect(throws: InstanceError.self) {
      try InstanceStore(root: "/nonexistent").instance("../escape")
    }
    #expect(InstanceStore(root: "/nonexistent").freshName(for: "my app") == "my-app-1")
  }
}
