/// What `kraft build --release` writes beside each image (`<image>.release.json`): enough to
/// prove what is inside the image and to rebuild it bit for bit. `kraft verify` reads it back.
/// Every list is sorted and the JSON is written with sorted keys, so the manifest itself is
/// reproducible: two release builds of the same inputs write the same bytes.
public struct ReleaseManifest: Hashable, Sendable, Codable {
  public static let currentFormat = 1

  public var formatVersion: Int
  /// kraft's own version (`KraftVersion.current`): the kernel and the build rules ship with it.
  public var kraftVersion: String
  /// `qemu/x86_64`.
  public var target: String
  public var image: ReleaseArtifact
  /// The unstripped twin (`.dbg`), reproducible too since every path in it is mapped.
  public var debugImage: ReleaseArtifact
  /// The packed `rootfs:` when the project has one.
  public var initrd: ReleaseArtifact?
  /// Seconds since 1970 used for every timestamp of the build.
  public var sourceDateEpoch: Int
  public var toolchain: ReleaseToolchain
  public var project: ReleaseProject
  /// Each kernel library the image contains, with the tree hash of its folder.
  public var kernelLibraries: [ReleaseKernelLibrary]
  /// Each external source (port) with its lockfile pin and patches.
  public var ports: [ReleasePort]
  /// Every resolved option of the image: `CONFIG_X` -> `y`, `n`, a number or a string; an
  /// undefined option is absent.
  public var options: [String: String]
  public var rebuild: ReleaseRebuildCommand

  public init(
    kraftVersion: String, target: String, image: ReleaseArtifact, debugImage: ReleaseArtifact,
    initrd: ReleaseArtifact?, sourceDateEpoch: Int, toolchain: ReleaseToolchain,
    project: ReleaseProject, kernelLibraries: [ReleaseKernelLibrary], ports: [ReleasePort],
    options: [String: String], rebuild: ReleaseRebuildCommand
  ) {
    self.formatVersion = Self.currentFormat
    self.kraftVersion = kraftVersion
    self.target = target
    self.image = image
    self.debugImage = debugImage
    self.initrd = initrd
    self.sourceDateEpoch = sourceDateEpoch
    self.toolchain = toolchain
    self.project = project
    self.kernelLibraries = kernelLibraries.sorted { $0.name < $1.name }
    self.ports = ports.sorted { $0.name < $1.name }
    self.options = options
    self.rebuild = rebuild
  }

  /// `helloworld_qemu-x86_64.release.json` for image `helloworld_qemu-x86_64`.
  public static func fileName(image: String) -> String { image + ".release.json" }

  /// `helloworld_qemu-x86_64.spdx.json`: the software bill of materials beside it.
  public static func billOfMaterialsName(image: String) -> String { image + ".spdx.json" }
}

/// One output file: its name (beside the manifest), size and sha256 (lower-case hex).
public struct ReleaseArtifact: Hashable, Sendable, Codable {
  public var file: String
  public var size: Int
  public var sha256: String

  public init(file: String, size: Int, sha256: String) {
    self.file = file
    self.size = size
    self.sha256 = sha256
  }
}

/// The programs that built the image, by the first line of their `--version` output.
public struct ReleaseToolchain: Hashable, Sendable, Codable {
  /// `clang` or `gcc`.
  public var family: String
  public var compiler: String
  public var linker: String
  public var objcopy: String

  public init(family: String, compiler: String, linker: String, objcopy: String) {
    self.family = family
    self.compiler = compiler
    self.linker = linker
    self.objcopy = objcopy
  }

  /// Lines naming each program whose version differs from `other`'s, for error messages.
  public func differences(from other: ReleaseToolchain) -> [String] {
    var lines: [String] = []
    for (what, mine, theirs) in [
      ("compiler family", family, other.family), ("compiler", compiler, other.compiler),
      ("linker", linker, other.linker), ("objcopy", objcopy, other.objcopy),
    ] where mine != theirs {
      lines.append("\(what): '\(theirs)', now '\(mine)'")
    }
    return lines
  }
}

/// How to run the rebuild: in the project folder, with this environment, this command
/// (`kraft build --release -t qemu/x86_64`).
public struct ReleaseRebuildCommand: Hashable, Sendable, Codable {
  public var arguments: [String]
  public var environment: [String: String]

  public init(arguments: [String], environment: [String: String]) {
    self.arguments = arguments
    self.environment = environment
  }

  /// `SOURCE_DATE_EPOCH=0 kraft build --release -t qemu/x86_64`, for people to read.
  public var shellLine: String {
    (environment.keys.sorted().map { "\($0)=\(environment[$0]!)" } + arguments)
      .joined(separator: " ")
  }
}
