/// A parsed Kraftfile (Unikraft spec v0.5/v0.6), normalised: aliases resolved, short forms
/// expanded, `${VAR}` interpolated. Relative paths are kept as written; `directory` is what
/// they resolve against.
public struct Kraftfile: Hashable, Sendable, Codable {
  /// The `spec`/`specification` value, e.g. `v0.6`.
  public var spec: String?
  public var name: String?
  /// The folder holding the Kraftfile (absolute); relative paths resolve against it.
  public var directory: String
  public var unikraft: Component?
  /// External libraries in the order written.
  public var libraries: [Component]
  public var targets: [Target]
  /// Top-level `kconfig:`.
  public var kconfig: [KConfigAssignment]
  /// The application's default arguments (`cmd:`).
  public var cmd: [String]
  public var env: [EnvironmentVariable]
  public var rootfs: String?
  public var volumes: [Volume]
  public var runtime: String?
  public var template: Component?
  public var outdir: String?
  public var labels: [String: String]
  /// `x-*` keys, kept verbatim (as JSON text) and never interpreted.
  public var extensions: [String: String]

  public init(
    spec: String? = nil, name: String? = nil, directory: String, unikraft: Component? = nil,
    libraries: [Component] = [], targets: [Target] = [], kconfig: [KConfigAssignment] = [],
    cmd: [String] = [], env: [EnvironmentVariable] = [], rootfs: String? = nil,
    volumes: [Volume] = [], runtime: String? = nil, template: Component? = nil,
    outdir: String? = nil, labels: [String: String] = [:], extensions: [String: String] = [:]
  ) {
    self.spec = spec
    self.name = name
    self.directory = directory
    self.unikraft = unikraft
    self.libraries = libraries
    self.targets = targets
    self.kconfig = kconfig
    self.cmd = cmd
    self.env = env
    self.rootfs = rootfs
    self.volumes = volumes
    self.runtime = runtime
    self.template = template
    self.outdir = outdir
    self.labels = labels
    self.extensions = extensions
  }
}

/// A build target: one image per target.
public struct Target: Hashable, Sendable, Codable {
  public var name: String?
  public var platform: Platform
  public var architecture: Architecture
  public var kconfig: [KConfigAssignment]
  public var location: SourceLocation?

  public init(
    name: String? = nil, platform: Platform, architecture: Architecture,
    kconfig: [KConfigAssignment] = [], location: SourceLocation? = nil
  ) {
    self.name = name
    self.platform = platform
    self.architecture = architecture
    self.kconfig = kconfig
    self.location = location
  }

  /// `qemu/x86_64`, `fc/arm64`: how users select a target on the command line.
  public var shortForm: String { "\(platform.shortName)/\(architecture.rawValue)" }

  /// Whether something limited to `architectures` and `platforms` (nil: no limit) applies to
  /// this target: a library, one of its files, an image-format rule.
  public func isCovered(architectures: [Architecture]?, platforms: [Platform]?) -> Bool {
    (architectures?.contains(architecture) ?? true) && (platforms?.contains(platform) ?? true)
  }
}

/// `unikraft:`, a `libraries:` entry or `template:`.
public struct Component: Hashable, Sendable, Codable {
  public var name: String
  public var source: ComponentSource?
  public var version: String?
  public var kconfig: [KConfigAssignment]
  public var location: SourceLocation?

  public init(
    name: String, source: ComponentSource? = nil, version: String? = nil,
    kconfig: [KConfigAssignment] = [], location: SourceLocation? = nil
  ) {
    self.name = name
    self.source = source
    self.version = version
    self.kconfig = kconfig
    self.location = location
  }
}

/// Where a component comes from, as Unikraft reads a component string.
public enum ComponentSource: Hashable, Sendable, Codable {
  /// A local folder, relative to the Kraftfile's folder or absolute.
  case path(String)
  /// A git repository and an optional ref (`?branch=`, `?tag=`, `@ref`).
  case git(url: String, ref: GitReference?)
  /// A release archive URL (`.tar.gz`, `.tar.xz`, `.tar.bz2`, `.zip`).
  case archive(url: String)
}

public enum GitReference: Hashable, Sendable, Codable {
  case branch(String)
  case tag(String)
  /// A commit id or any ref name given with `@`.
  case ref(String)
}

public struct EnvironmentVariable: Hashable, Sendable, Codable {
  public var name: String
  public var value: String

  public init(name: String, value: String) {
    self.name = name
    self.value = value
  }
}

public struct Volume: Hashable, Sendable, Codable {
  public var source: String
  public var destination: String
  public var driver: String?
  public var readOnly: Bool

  public init(source: String, destination: String, driver: String? = nil, readOnly: Bool = false) {
    self.source = source
    self.destination = destination
    self.driver = driver
    self.readOnly = readOnly
  }
}

extension Kraftfile {
  /// Project, target and library names end up in image file names: ASCII letters, digits,
  /// `.`, `_` and `-`, starting with a letter or digit.
  public static func isValidName(_ text: String) -> Bool {
    guard let first = text.first, first.isASCII, first.isLetter || first.isNumber else {
      return false
    }
    return text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }
  }

  /// Project, target and template names as Unikraft accepts them (its catalog has
  /// `httpserver-g++13.2`): any text up to `maxNameBytes` without whitespace, control
  /// characters, '/' or '\\'. Output files use `ImageName.fileSafe` of it.
  public static func isValidProjectName(_ text: String) -> Bool {
    !text.isEmpty && text.utf8.count <= maxNameBytes
      && text.unicodeScalars.allSatisfy { scalar in
        !scalar.properties.isWhitespace && scalar.properties.generalCategory != .control
          && scalar != "/" && scalar != "\\"
      }
  }

  /// Leaves room for `_<plat>-<arch>.dbg` within a file name's 255 bytes.
  public static let maxNameBytes = 128

  /// A path written in the Kraftfile (a local component, `rootfs`, a volume, `outdir`),
  /// resolved against the Kraftfile's folder, never the current directory. A leading `~/` is
  /// left alone: the model has no home folder to expand it with.
  public func resolvedPath(_ path: String) -> String {
    if path.hasPrefix("/") || path.hasPrefix("~/") { return Kraftfile.normalise(path) }
    return Kraftfile.normalise(directory + "/" + path)
  }

  /// Removes `.` and empty components and folds `..` lexically (no symlinks are followed).
  public static func normalise(_ path: String) -> String {
    var parts: [Substring] = []
    for part in path.split(separator: "/") {
      if part == "." { continue }
      if part == "..", let last = parts.last, last != ".." {
        parts.removeLast()
      } else if part == "..", path.hasPrefix("/") {
        continue  // `/..` is `/`
      } else {
        parts.append(part)
      }
    }
    let joined = parts.joined(separator: "/")
    if path.hasPrefix("/") { return "/" + joined }
    return joined.isEmpty ? "." : joined
  }

  /// The folder part of a path (`/a/b/Kraftfile` → `/a/b`).
  public static func parentDirectory(of path: String) -> String {
    let normalised = normalise(path)
    guard let slash = normalised.lastIndex(of: "/") else { return "." }
    let parent = String(normalised[..<slash])
    return parent.isEmpty ? "/" : parent
  }
}
