/// A library's description of itself (`library.yaml` in `Kernel/arch|plat|lib/<name>/`, or the
/// build keys of a port's `port.yaml`): what it compiles, what it needs and offers, and the
/// options it understands. See docs/library-manifest.md for the format.
public struct LibraryManifest: Hashable, Sendable, Codable {
  public enum Kind: String, Hashable, Sendable, Codable, CaseIterable {
    case library, arch, platform, port
  }

  public var name: String
  public var description: String?
  public var kind: Kind
  /// nil: every architecture.
  public var architectures: [Architecture]?
  /// nil: every platform.
  public var platforms: [Platform]?
  /// Library names or capabilities this one needs.
  public var requires: [String]
  public var provides: [String]
  /// The symbols other libraries may use (`exports:`), names or `*` globs; the build fails when
  /// another library's objects use a symbol outside them. nil: no list, every symbol is open.
  public var exports: [String]?
  public var defaultFor: [String]
  /// Library names or capabilities this one brings in when nothing says otherwise (Kconfig's
  /// `imply`): added like `requires`, except that one set to n, or a capability no library
  /// provides for the target, leaves the image without it instead of failing the build.
  public var implies: [String] = []
  public var sources: [LibraryFile]
  public var includes: [LibraryFile]
  /// The library's own sources only; `${upstream}`/`${port}` expanded by the build.
  public var cflags: [LibraryFlag]
  public var globalCflags: [String]
  public var ldflags: [String]
  public var linkerScripts: [LibraryFile]
  /// Platform libraries: what the image file is, per target (`image-format:`).
  public var imageFormats: [ImageFormatRule] = []
  public var options: [LibraryOption]
  /// The folder holding the manifest (absolute).
  public var directory: String
  /// Where `sources` and `includes` resolve: the manifest's folder for kernel libraries, the
  /// fetched upstream tree for a port (set when the tree is known, see `PortSourceProvider`).
  public var sourceRoot: String
  /// A port's generated source list (`prepare: sources-list:`), relative to the source root:
  /// one path per line, compiled after `sources` on every target the port builds for.
  public var sourcesList: String?
  /// The files of the library's own program (`program:`, the one defining `main`, like nginx's
  /// src/core/nginx.c): compiled as the image's application when the project has no sources
  /// of its own, so that a port can be the whole program.
  public var program: [LibraryFile] = []
  /// A folder (`rootfs:`) merged into the image's root file system, under the project's own
  /// `rootfs:` (whose files win): a port's run-time files, like CPython's standard library.
  public var rootfs: LibraryFile?
  /// Whether the library's sources are compiled as hosted C (`hosted: true`): without the
  /// kernel's `-ffreestanding -fno-builtin`, so the compiler may treat `memcpy`, `strlen`,
  /// `sqrt` and their kin as the C library's and inline them. Only for code above a libc
  /// (CPython); never for the code defining those functions.
  public var hosted = false
  /// A file of symbol names, one a line (`symbol-order:`), that the link lays out first and in
  /// that order (ld.lld's `--symbol-ordering-file`): a port's hot functions from a profile, so
  /// that they share pages (CPython's, from bench/python/symbol_order.py). At most one library
  /// of an image gives one.
  public var symbolOrder: LibraryFile?
  /// Link-time optimisation of the library's own sources (`lto: thin`): they are compiled to
  /// LLVM bitcode and optimised across files, and with the image's other bitcode, by the
  /// linker (ThinLTO), so calls between them can be inlined. Only clang with ld.lld does it.
  public var lto: LinkTimeOptimization?
  /// The sources `lto:` covers (`lto: {mode: thin, sources: [...]}`): paths or globs relative
  /// to the source root, like `sources:` entries; empty: all of the library's own sources and
  /// its program. A profile's hot files: ThinLTO over all of CPython inlines cold callees into
  /// its interpreter loop (docs/python.md, "ThinLTO").
  public var ltoSources: [String] = []
  /// Where `lto:` stands in the manifest: a warning about it (a gcc toolchain) points there.
  public var ltoLocation: SourceLocation?
  /// A sample profile (`sample-profile:`, LLVM's text or binary sample format) the library's
  /// sources and its program compile with (`-fprofile-sample-use=`): which branches and calls
  /// are hot, so the inliner and block layout favour them and keep cold code out of line
  /// (CPython's, from bench/python/sample_profile.py's exact TCG profile). Only clang reads it.
  public var sampleProfile: LibraryFile?
  public var location: SourceLocation?

  public init(
    name: String, description: String? = nil, kind: Kind = .library,
    architectures: [Architecture]? = nil, platforms: [Platform]? = nil, requires: [String] = [],
    provides: [String] = [], defaultFor: [String] = [], sources: [LibraryFile] = [],
    includes: [LibraryFile] = [], cflags: [LibraryFlag] = [], globalCflags: [String] = [],
    ldflags: [String] = [], linkerScripts: [LibraryFile] = [], options: [LibraryOption] = [],
    directory: String, sourceRoot: String? = nil, location: SourceLocation? = nil
  ) {
    self.name = name
    self.description = description
    self.kind = kind
    self.architectures = architectures
    self.platforms = platforms
    self.requires = requires
    self.provides = provides
    self.defaultFor = defaultFor
    self.sources = sources
    self.includes = includes
    self.cflags = cflags
    self.globalCflags = globalCflags
    self.ldflags = ldflags
    self.linkerScripts = linkerScripts
    self.options = options
    self.directory = directory
    self.sourceRoot = sourceRoot ?? directory
    self.location = location
  }

  /// The implicit bool option that enables this library: `CONFIG_LIB` + the name upper-cased,
  /// `-` as `_` (`alloc-region` → `CONFIG_LIBALLOC_REGION`).
  public var enableOption: String { Self.enableOption(for: name) }

  public static func enableOption(for name: String) -> String {
    "CONFIG_LIB" + String(name.uppercased().map { $0 == "-" ? "_" : $0 })
  }

  /// Whether this library can be part of an image for `target`.
  public func supports(_ target: Target) -> Bool {
    target.isCovered(architectures: architectures, platforms: platforms)
  }

  /// Whether this library meets a `requires:` entry: the entry names it, or a capability it
  /// provides.
  public func meets(_ requirement: String) -> Bool {
    name == requirement || provides.contains(requirement)
  }
}

/// A file or folder a manifest names (a source, an include folder, a linker script), with the
/// conditions under which it applies.
public struct LibraryFile: Hashable, Sendable, Codable {
  /// Where the path resolves.
  public enum Base: String, Hashable, Sendable, Codable {
    /// The library's source root (a port: the upstream tree).
    case sourceRoot
    /// The folder holding the manifest (a port's own glue code).
    case manifest
  }

  /// Relative; may hold glob wildcards (sources only).
  public var path: String
  public var base: Base
  /// `if:`: every one must hold.
  public var conditions: [OptionCondition]
  public var architectures: [Architecture]?
  public var platforms: [Platform]?
  public var location: SourceLocation?

  public init(
    _ path: String, base: Base = .sourceRoot, conditions: [OptionCondition] = [],
    architectures: [Architecture]? = nil, platforms: [Platform]? = nil,
    location: SourceLocation? = nil
  ) {
    self.path = path
    self.base = base
    self.conditions = conditions
    self.architectures = architectures
    self.platforms = platforms
    self.location = location
  }

  /// Whether the entry applies to `target` (conditions on options are checked separately).
  public func supports(_ target: Target) -> Bool {
    target.isCovered(architectures: architectures, platforms: platforms)
  }
}

/// `if: CONFIG_X` (the bool option must be y) or `if: !CONFIG_X` (must be n).
public struct OptionCondition: Hashable, Sendable, Codable, CustomStringConvertible {
  public var option: String
  public var negated: Bool

  public init(option: String, negated: Bool = false) {
    self.option = option
    self.negated = negated
  }

  /// Parses `CONFIG_X` or `!CONFIG_X`; nil when malformed.
  public init?(parsing text: String) {
    let trimmed = text.trimmingSpaces
    let negated = trimmed.hasPrefix("!")
    let name = negated ? String(trimmed.dropFirst()).trimmingSpaces : trimmed
    guard LibraryOption.isValidName(name) else { return nil }
    self.init(option: name, negated: negated)
  }

  public var description: String { (negated ? "!" : "") + option }
}

extension String {
  var trimmingSpaces: String {
    var view = Substring(self)
    while view.first == " " || view.first == "\t" { view = view.dropFirst() }
    while view.last == " " || view.last == "\t" { view = view.dropLast() }
    return String(view)
  }
}
