import ArgumentParser
import Foundation
import KraftBasics
import KraftBuild
import KraftModel

/// `kraft run`: boot a built image under QEMU (or Firecracker) with the serial console on this
/// terminal, and exit with the application's exit status. Flags are kraftkit's
/// (`kraft run --rm --plat qemu --arch x86_64 -M 128Mi -e KEY=VALUE -a ARG .`).
struct RunCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Boot an image and exit with the application's exit status.",
    discussion: """
      qemu/x86_64 boots on QEMU's pc machine; fc/x86_64 on Firecracker when it is installed, \
      otherwise on QEMU's microvm. Arguments after -- go to the application (default: the \
      Kraftfile's cmd). As in kraftkit, -m is the architecture and -M the memory. KVM is used \
      when a probe shows it works and is not slower than emulation (cached per machine); -W \
      forces emulation, --kvm forces KVM. With -d the VM runs in the background: see \
      'kraft ps', 'kraft logs', 'kraft stop', 'kraft rm'. Exit status: the application's \
      (0-124), 134 when it aborted, 139 when the kernel crashed, 125 when the VM could not be \
      booted or stopped without a status, 128+N when kraft was stopped by signal N (the VM \
      is stopped with it). Networking (docs/networking.md): -p HOST:GUEST publishes a guest \
      port on 127.0.0.1 through QEMU's user network (-p 0.0.0.0:HOST:GUEST on every \
      address, /udp for UDP); --network tap:NAME or bridge:NAME attaches an existing host \
      device instead. An image that links the netdev library gets the user network even \
      without -p; other images boot without a network device. A package reference \
      (HOST[:PORT]/NAME[:TAG], see docs/registries.md) instead of a project boots that \
      package: pulled into the local store when missing, the image of --plat (any when not \
      given) and of -m (default: this machine's architecture).
      """)

  @OptionGroup var project: ProjectOptions

  @Option(
    name: [.customShort("t"), .long],
    help: ArgumentHelp("The target to boot (name or plat/arch; default: the first).", valueName: "target"))
  var target: String?

  @Option(
    name: .customLong("plat"),
    help: ArgumentHelp("Boot the target of this platform (qemu, fc/firecracker).", valueName: "plat"))
  var platform: String?

  @Option(
    name: [.customShort("m"), .customLong("arch")],
    help: ArgumentHelp("Boot the target of this architecture (x86_64, arm64).", valueName: "arch"))
  var architecture: String?

  @Option(
    name: [.customShort("M"), .long],
    help: ArgumentHelp(
      "Guest memory: MiB, or with a unit as kraftkit spells it (64Mi, 1Gi; 1G = 10^9 bytes).",
      valueName: "size"))
  var memory: String = "64Mi"

  @Option(
    name: [.customShort("e"), .customLong("env")],
    help: ArgumentHelp(
      "Set an environment variable of the application (KEY=VALUE, or KEY to pass kraft's own); repeatable.",
      valueName: "env"))
  var environment: [String] = []

  @Option(
    name: [.customShort("a"), .customLong("kernel-arg"), .customLong("kernel-args")],
    help: ArgumentHelp(
      "One kernel argument, kept whole (blanks included); repeatable.", valueName: "arg"))
  var kernelArguments: [String] = []

  @Option(
    name: [.customShort("p"), .customLong("port")],
    help: ArgumentHelp(
      "Publish a guest port on the host: [HOSTADDR:]HOST:GUEST[/tcp|udp] (HOSTADDR defaults to 127.0.0.1); repeatable.",
      valueName: "ports"))
  var ports: [String] = []

  @Option(
    help: ArgumentHelp(
      "Attach the guest to a host device: tap:NAME, bridge:NAME or NAME (a bridge), optionally followed by :IP[/PREFIX][:GATEWAY[:DNS0[:DNS1]]].",
      valueName: "network"))
  var network: String?

  @Option(
    help: ArgumentHelp("Boot with this cpio initrd instead of the Kraftfile's rootfs.", valueName: "path"))
  var initrd: String?

  @Flag(
    name: [.customShort("W"), .customLong("disable-acceleration")], help: "Never use KVM (emulate with TCG).")
  var disableAcceleration = false

  @Flag(help: "Use KVM without probing whether it works well here.")
  var kvm = false

  @Option(help: "Stop the VM after this many seconds (exit 125).")
  var timeout: Int?

  @Flag(name: [.customShort("d"), .long], help: "Run in the background; print the instance's name.")
  var detach = false

  @Option(
    name: [.customShort("n"), .long],
    help: ArgumentHelp(
      "The instance's name with --detach (default: project name and a number).", valueName: "name"))
  var name: String?

  @Flag(name: .customLong("rm"), help: "Remove the instance (state and log) when it stops (with --detach).")
  var remove = false

  @OptionGroup var registryOptions: RegistryOptions

  @Argument(parsing: .postTerminator, help: "Arguments for the application.")
  var appArguments: [String] = []

  func validate() throws {
    if disableAcceleration && kvm {
      throw ValidationError("'--kvm' and '-W/--disable-acceleration' contradict each other; use one")
    }
    if name != nil && !detach {
      throw ValidationError("'--name' names a background instance; add '-d/--detach'")
    }
    if let timeout, timeout <= 0 {
      throw ValidationError("'--timeout' must be a positive number of seconds")
    }
    _ = try MemorySize.megabytes(memory)
    do {
      _ = try GuestNetworkOptions.resolve(ports: ports, network: network, imageHasNetworkDriver: false)
    } catch let error as NetworkOptionError {
      throw ValidationError(error.message)
    }
  }

  func run() throws {
    if let reference = packageReference() { return try runPackage(reference) }
    let loaded = try project.load()
    let runner = ProjectRunner(kraftfile: loaded.kraftfile)
    let chosen = try TargetSelection(
      names: target.map { [$0] } ?? [], platform: platform, architecture: architecture
    ).targets(runner.layout)[0]
    let prepared = try runner.prepare(
      ProjectRunner.Options(
        target: chosen, memory: try MemorySize.megabytes(memory),
        // The environment reaches the libc as kernel arguments env.KEY=VALUE (abi.h,
        // docs/libc.md): the Kraftfile's env:, then -e, which overrides a Kraftfile entry.
        kernelArguments: try ApplicationEnvironment.kernelArguments(
          kraftfile: loaded.kraftfile.env.map { ($0.name, $0.value) }, overrides: environment,
          host: ProcessInfo.processInfo.environment) + kernelArguments,
        appArguments: appArguments, initrd: initrd,
        acceleration: kvm ? .kvm : disableAcceleration ? .tcg : .automatic, timeout: timeout,
        ports: ports, network: network))
    try boot(prepared, projectName: runner.layout.projectName)
  }

  /// Boots in the foreground, or hands the run to the instance store with `--detach`.
  func boot(_ prepared: ProjectRunner.Prepared, projectName: String) throws {
    if let note = prepared.note { StandardStream.error.write("kraft: \(note)\n") }
    if detach {
      let store = try InstanceStore.forUser()
      let instance = try store.start(
        prepared.run, name: name ?? store.freshName(for: projectName),
        removeWhenStopped: remove, kraftExecutable: KraftExecutable.path)
      print(instance.name)
      return
    }
    let decoded = try prepared.run.boot(output: DescriptorConsole(descriptor: STDOUT_FILENO))
    if let explanation = decoded.explanation {
      StandardStream.error.write("kraft: \(explanation)\n")
    }
    throw ExitCode(decoded.status)
  }
}
