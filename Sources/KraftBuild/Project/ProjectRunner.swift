import Foundation
import KraftBasics
import KraftModel

/// `kraft run` below the command line: which image (and initrd) of a built project boots, with
/// which arguments and acceleration, checked before any VM starts. The result is the
/// `InstanceRun` the command boots in the foreground or hands to the instance store.
public struct ProjectRunner: Sendable {
  /// How to choose between KVM and TCG: the command line's `--kvm`/`-W`, else
  /// `KRAFT_ACCELERATION`, else a probe of this machine (cached).
  public enum Acceleration: Sendable, Hashable {
    case kvm, tcg, automatic
  }

  public struct Options: Sendable {
    public var target: Target
    /// MiB.
    public var memory: Int
    /// Kernel arguments, the application's environment (`env.KEY=VALUE`) included.
    public var kernelArguments: [String]
    /// Empty: the Kraftfile's `cmd:`.
    public var appArguments: [String]
    /// A cpio archive given instead of the Kraftfile's packed `rootfs:` (as the user wrote
    /// it: relative to the current folder).
    public var initrd: String?
    public var acceleration: Acceleration
    /// Seconds.
    public var timeout: Int?
    /// `-p` forwards and `--network` as given (GuestNetworkOptions resolves them).
    public var ports: [String] = []
    public var network: String?

    public init(
      target: Target, memory: Int, kernelArguments: [String] = [], appArguments: [String] = [],
      initrd: String? = nil, acceleration: Acceleration = .automatic, timeout: Int? = nil,
      ports: [String] = [], network: String? = nil
    ) {
      self.ports = ports
      self.network = network
      self.target = target
      self.memory = memory
      self.kernelArguments = kernelArguments
      self.appArguments = appArguments
      self.initrd = initrd
      self.acceleration = acceleration
      self.timeout = timeout
    }
  }

  /// What to boot, and a line for the user about the acceleration chosen, if any.
  public struct Prepared: Sendable {
    public var run: InstanceRun
    public var note: String?
  }

  public let kraftfile: Kraftfile
  public let layout: ProjectLayout
  public let fileSystem: FileSystem
  public let environment: [String: String]
  public let currentDirectory: String

  public init(
    kraftfile: Kraftfile, fileSystem: FileSystem = LocalFileSystem(),
    environment: [String: String] = ProcessInfo.processInfo.environment,
    currentDirectory: String = FileManager.default.currentDirectoryPath
  ) {
    self.kraftfile = kraftfile
    self.currentDirectory = currentDirectory
    self.layout = ProjectLayout(kraftfile: kraftfile)
    self.fileSystem = fileSystem
    self.environment = environment
  }

  /// The image must exist, the initrd too, and the memory must hold both; only then is KVM
  /// probed (the first run on a machine takes a few seconds for it).
  public func prepare(_ options: Options) throws -> Prepared {
    let target = options.target
    let image = layout.image(for: target)
    guard fileSystem.exists(image) else {
      throw ImageMissing(
        message: "no image for '\(target.shortForm)' at '\(image)'; run 'kraft build' first")
    }
    var request = RunRequest(
      target: target, image: image, memory: options.memory, kernelArguments: options.kernelArguments,
      appArguments: options.appArguments.isEmpty ? kraftfile.cmd : options.appArguments,
      initrd: try initrd(options.initrd),
      network: try GuestNetworkOptions.resolve(
        ports: options.ports, network: options.network,
        imageHasNetworkDriver: Self.linksNetworkDriver(image: image)))
    try Self.checkMemory(request)
    if case .user(let forwards) = request.network { try HostPortCheck.requireFree(forwards) }
    let decision = try useKVM(options.acceleration, for: target)
    request.kvm = decision.useKVM
    let debugImage = layout.debugImage(for: target)
    let run = InstanceRun(
      request: request, debugImage: fileSystem.exists(debugImage) ? debugImage : nil,
      timeout: options.timeout,
      scratchDirectory: layout.outputDirectory + "/" + TargetBuildPlan.key(target))
    return Prepared(run: run, note: decision.note)
  }

  /// Whether the build's size report (`<image>.report`) lists the `netdev` library.
  static func linksNetworkDriver(image: String) -> Bool {
    guard let report = try? String(contentsOfFile: image + ".report", encoding: .utf8) else {
      return false
    }
    return SizeReport.libraryNames(inRendered: report).contains("netdev")
  }

  /// Refused when the image's memory map and the initrd do not fit in the guest's memory.
  public static func checkMemory(_ request: RunRequest) throws {
    guard let bytes = FileManager.default.contents(atPath: request.image) else { return }
    let initrdSize =
      request.initrd.flatMap {
        (try? FileManager.default.attributesOfItem(atPath: $0)[.size] as? NSNumber)?.intValue
      } ?? 0
    if let minimum = ImageMemoryRequirement.minimumMegabytes(
      image: [UInt8](bytes), architecture: request.target.architecture, initrdSize: initrdSize),
      request.memory < minimum
    {
      throw MemoryTooSmall(requested: request.memory, minimum: minimum, image: request.image)
    }
  }

  /// The given initrd (which must exist), else the packed root file system when it was built.
  private func initrd(_ given: String?) throws -> String? {
    if let given {
      let path = given.hasPrefix("/") ? given : currentDirectory + "/" + given
      guard fileSystem.exists(path) else {
        throw ImageMissing(message: "initrd '\(given)' does not exist; give a cpio archive's path")
      }
      return path
    }
    // Written by the build for a `rootfs:` or the ports' root file system files, else removed.
    return fileSystem.exists(layout.initrd) ? layout.initrd : nil
  }

  private func useKVM(_ acceleration: Acceleration, for target: Target) throws -> AccelerationDecision {
    try Self.useKVM(acceleration, for: target, environment: environment)
  }

  /// Also what `kraft run REF` decides with for a pulled package (PackageRunner).
  static func useKVM(
    _ acceleration: Acceleration, for target: Target, environment: [String: String]
  ) throws -> AccelerationDecision {
    switch acceleration {
    case .kvm: return AccelerationDecision(useKVM: true, note: nil)
    case .tcg: return AccelerationDecision(useKVM: false, note: nil)
    case .automatic: break
    }
    switch environment["KRAFT_ACCELERATION"] {
    case "tcg": return AccelerationDecision(useKVM: false, note: nil)
    case "kvm": return AccelerationDecision(useKVM: true, note: nil)
    case nil, "", "auto": break
    case let other?:
      throw InvalidAcceleration(
        message: "KRAFT_ACCELERATION is '\(other)'; use 'tcg', 'kvm' or 'auto' (the default)")
    }
    return AccelerationProbe.forMachine(environment: environment).decide(for: target.architecture)
  }
}

public struct InvalidAcceleration: KraftError {
  public var kind: ErrorKind { .usage }
  public var message: String
}

public struct ImageMissing: KraftError {
  public var kind: ErrorKind { .missingInput }
  public var message: String
}
