import KraftBasics
import KraftModel

/// How to boot one image: which monitor, which machine, and the command line.
public struct RunRequest: Hashable, Sendable, Codable {
  public var target: Target
  public var image: String
  /// MiB.
  public var memory: Int
  public var kernelArguments: [String]
  public var appArguments: [String]
  public var kvm: Bool
  /// The rootfs packed by `kraft build` (a cpio initrd), or nil.
  public var initrd: String?
  /// The guest's network device, or nil for none (see `GuestNetworkOptions.resolve`).
  public var network: GuestNetwork?

  public init(
    target: Target, image: String, memory: Int = 64, kernelArguments: [String] = [],
    appArguments: [String] = [], kvm: Bool = false, initrd: String? = nil, network: GuestNetwork? = nil
  ) {
    self.initrd = initrd
    self.network = network
    self.target = target
    self.image = image
    self.memory = memory
    self.kernelArguments = kernelArguments
    self.appArguments = appArguments
    self.kvm = kvm
  }

  /// The kernel arguments with the network's static address (`netdev.ip=`) first, unless the
  /// user gave one: a later `netdev.ip=` from `-a` is the one the guest reads last.
  public var effectiveKernelArguments: [String] {
    guard let address = network?.staticAddress,
      !kernelArguments.contains(where: { $0.hasPrefix(StaticAddress.kernelArgumentPrefix) })
    else { return kernelArguments }
    return [address.kernelArgument] + kernelArguments
  }

  /// `kernel-args -- app-args` (abi.h); words with blanks or quotes are double-quoted.
  public var commandLine: String {
    let quote: (String) -> String = { word in
      word.isEmpty || word.contains(where: { $0 == " " || $0 == "\t" || $0 == "\"" })
        ? "\"" + word.replacingOccurrences(of: "\"", with: "'") + "\"" : word
    }
    let kernel = effectiveKernelArguments.map(quote)
    let app = appArguments.map(quote)
    if app.isEmpty && kernel.isEmpty { return "" }
    return (kernel + ["--"] + app).joined(separator: " ")
  }
}

/// Which monitor boots a target, and with which arguments.
public enum VirtualMachineMonitor: Hashable, Sendable {
  /// QEMU; the exit status comes from QEMU's own status.
  case qemu(ProcessCommand)
  /// Firecracker with its configuration file's content; the status comes from the console.
  case firecracker(ProcessCommand, configuration: String, configurationPath: String)

  public var command: ProcessCommand {
    switch self {
    case .qemu(let command), .firecracker(let command, _, _): return command
    }
  }
}

/// Chooses and spells the monitor command for a target. qemu/x86_64 boots on QEMU's `pc`
/// (Multiboot); fc/x86_64 on Firecracker when a `firecracker` binary is installed, otherwise
/// on QEMU's `microvm`, which boots the same PVH entry point; arm64 on QEMU's `virt`.
public struct VirtualMachineCommand: Sendable {
  public var locator: ExecutableLocator

  public init(locator: ExecutableLocator = ExecutableLocator()) {
    self.locator = locator
  }

  public func monitor(for request: RunRequest, scratchDirectory: String) throws
    -> VirtualMachineMonitor
  {
    let target = request.target
    if target.platform == .firecracker, let firecracker = locator.find("firecracker") {
      var request = request
      // The user network kraft adds by itself for an image with a network driver (no ports)
      // does not exist here; the image boots without a device, as under `-nic none`.
      if request.network == .user(forwards: []) { request.network = nil }
      if let network = request.network, !network.isTap {
        throw RunFailure(
          message:
            "Firecracker attaches only tap devices: use '--network tap:NAME' (and no '-p'), or boot the image under QEMU with '--plat qemu'"
        )
      }
      let path = scratchDirectory + "/firecracker.json"
      return .firecracker(
        ProcessCommand(firecracker, ["--no-api", "--config-file", path]),
        configuration: firecrackerConfiguration(request), configurationPath: path)
    }
    if target.platform == .firecracker && target.architecture == .arm64 {
      // Unlike microvm for x86_64, no QEMU machine has Firecracker's arm64 memory map and
      // 8250 UART, so QEMU would boot the image into silence until the timeout.
      throw RunFailure(
        message: "booting 'fc/arm64' needs the 'firecracker' binary on PATH; "
          + "to boot under QEMU, build and run the 'qemu/arm64' target")
    }
    if target.platform == .xen {
      throw RunFailure(message: "kraft run cannot boot 'xen' images; boot them with the Xen toolstack")
    }
    let (binary, package) =
      target.architecture == .x86_64
      ? ("qemu-system-x86_64", "qemu-system-x86") : ("qemu-system-aarch64", "qemu-system-arm")
    guard let qemu = locator.find(binary) else {
      throw MissingToolError(tool: binary, package: package, purpose: "to boot \(target.shortForm) images")
    }
    var arguments: [String]
    switch (target.architecture, target.platform) {
    case (.x86_64, .firecracker):
      // With a NIC, ACPI off: microvm then names its virtio-mmio devices on the kernel command
      // line (virtio_mmio.device=, with PIC IRQs) as Firecracker does, which is how the kernel
      // finds them; with ACPI they would hang off a second IOAPIC it is not told about.
      let machine = request.network == nil ? "microvm" : "microvm,acpi=off"
      arguments = ["-M", machine, "-device", "isa-debug-exit,iobase=0xf4,iosize=0x01"]
    case (.x86_64, _):
      // -nodefaults: no VGA card for SeaBIOS to clear and no IDE CD-ROM or floppy for it to
      // probe before it loads the kernel (QEMU's own start-up about 12% shorter; the devices
      // kraft needs are all named here).
      arguments = ["-M", "pc", "-nodefaults", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x01"]
    case (.arm64, _):
      arguments = ["-M", "virt", "-cpu", "cortex-a57", "-semihosting"]
    }
    // The serial port on this terminal and nothing else: `-nographic` would also make SeaBIOS
    // print its banner there (and iPXE probe a NIC), which is not the application's output.
    arguments += ["-display", "none", "-serial", "stdio", "-monitor", "none"]
    // No network: `-nic none` also keeps QEMU from adding its default NIC.
    arguments += request.network?.qemuArguments(for: target) ?? ["-nic", "none"]
    arguments += ["-no-reboot", "-m", String(request.memory), "-kernel", request.image]
    let commandLine = request.commandLine
    if !commandLine.isEmpty { arguments += ["-append", commandLine] }
    if let initrd = request.initrd { arguments += ["-initrd", initrd] }
    // No `-cpu host`: it trips a QEMU assertion under nested KVM here (shared/NOTES.md).
    if request.kvm { arguments += ["-enable-kvm"] }
    return .qemu(ProcessCommand(qemu, arguments))
  }

  func firecrackerConfiguration(_ request: RunRequest) -> String {
    """
    {
      "boot-source": {
        "kernel_image_path": \(JSONString.quoted(request.image)),
        "boot_args": \(JSONString.quoted(request.commandLine))\(request.initrd.map { ",\n    \"initrd_path\": " + JSONString.quoted($0) } ?? "")
      },
      "drives": [],\(firecrackerInterfaces(request))
      "machine-config": { "vcpu_count": 1, "mem_size_mib": \(request.memory) }
    }

    """
  }

  /// Firecracker's `network-interfaces` entry for a tap device (its only network backend).
  func firecrackerInterfaces(_ request: RunRequest) -> String {
    guard case .tap(let name, _) = request.network else { return "" }
    return """

        "network-interfaces": [
          { "iface_id": "eth0", "guest_mac": "52:54:00:12:34:56", "host_dev_name": \(JSONString.quoted(name)) }
        ],
      """
  }
}

/// The unikernel could not be booted.
public struct RunFailure: KraftError {
  public var kind: ErrorKind { .runFailed }
  public var message: String
}
