import Foundation
import KraftBasics
import KraftFetch
import KraftModel

/// `kraft run REF` below the command line: the package's kernel and initrd are written from
/// the verified store into a run folder named by the manifest's digest (so two packages
/// never share one), and booted like a built project's image (ProjectRunner).
public struct PackageRunner {
  public struct Options: Sendable {
    public var memory: Int
    public var kernelArguments: [String]
    /// Empty: the package's own command line (its config's `Cmd`).
    public var appArguments: [String]
    public var acceleration: ProjectRunner.Acceleration
    public var timeout: Int?
    public var ports: [String]
    public var network: String?

    public init(
      memory: Int, kernelArguments: [String] = [], appArguments: [String] = [],
      acceleration: ProjectRunner.Acceleration = .automatic, timeout: Int? = nil,
      ports: [String] = [], network: String? = nil
    ) {
      self.memory = memory
      self.kernelArguments = kernelArguments
      self.appArguments = appArguments
      self.acceleration = acceleration
      self.timeout = timeout
      self.ports = ports
      self.network = network
    }
  }

  public let fileSystem: any FileSystem
  public let environment: [String: String]

  public init(
    fileSystem: any FileSystem = LocalFileSystem(),
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) {
    self.fileSystem = fileSystem
    self.environment = environment
  }

  /// `<cache>/run/<manifest hex>`: the kernel and initrd of one pulled package.
  public func runFolder(_ image: PackageImage) -> String {
    SourceCache.defaultRoot(environment: environment) + "/run/" + image.manifest.digest.hex
  }

  public func prepare(_ image: PackageImage, _ options: Options) throws -> ProjectRunner.Prepared {
    let folder = runFolder(image)
    let kernelPath = folder + "/kernel"
    try fileSystem.writeData(image.kernel, to: kernelPath)
    var initrdPath: String?
    if let initrd = image.initrd {
      initrdPath = folder + "/initrd"
      try fileSystem.writeData(initrd, to: folder + "/initrd")
    }
    var request = RunRequest(
      target: image.target, image: kernelPath, memory: options.memory,
      kernelArguments: options.kernelArguments,
      appArguments: options.appArguments.isEmpty ? image.command : options.appArguments,
      initrd: initrdPath,
      network: try GuestNetworkOptions.resolve(
        ports: options.ports, network: options.network, imageHasNetworkDriver: false))
    try ProjectRunner.checkMemory(request)
    if case .user(let forwards) = request.network { try HostPortCheck.requireFree(forwards) }
    let decision = try ProjectRunner.useKVM(
      options.acceleration, for: image.target, environment: environment)
    request.kvm = decision.useKVM
    let run = InstanceRun(
      request: request, debugImage: nil, timeout: options.timeout,
      scratchDirectory: folder + "/scratch")
    return ProjectRunner.Prepared(run: run, note: decision.note)
  }
}
