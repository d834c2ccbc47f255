import Foundation
import KraftBasics
import KraftModel

/// The programs that compile and link an image, and the flags that make them target one
/// architecture. clang + ld.lld cross-compile every architecture from one install (they ship
/// with the Swift toolchain); GCC needs one cross compiler per architecture.
public struct Toolchain: Hashable, Sendable {
  public enum Family: String, Hashable, Sendable, CaseIterable {
    case clang, gcc
  }

  /// Which linker `linker` is, as the detector found it (not guessed from its file name): only
  /// ld.lld takes options such as `--symbol-ordering-file`.
  public enum LinkerFlavor: String, Hashable, Sendable {
    case lld, gnu
  }

  public var family: Family
  /// Absolute paths.
  public var compiler: String
  public var linker: String
  public var linkerFlavor: LinkerFlavor
  public var objcopy: String
  /// Archives linked after every object (arm64: libgcc's binary128 routines; see
  /// `RuntimeLibraryLocator`).
  public var runtimeLibraries: [String]
  /// The compiler's own headers (`stddef.h`, `stdint.h`, `stdarg.h`, intrinsics): the only
  /// system folder a compilation sees, since every one runs with `-nostdinc`.
  public var builtinIncludes: [String]

  /// `linkerFlavor` defaults to the family's own linker: ld.lld for clang, GNU ld for gcc.
  public init(
    family: Family, compiler: String, linker: String, linkerFlavor: LinkerFlavor? = nil,
    objcopy: String, runtimeLibraries: [String] = [], builtinIncludes: [String] = []
  ) {
    self.family = family
    self.compiler = compiler
    self.linker = linker
    self.linkerFlavor = linkerFlavor ?? (family == .clang ? .lld : .gnu)
    self.objcopy = objcopy
    self.runtimeLibraries = runtimeLibraries
    self.builtinIncludes = builtinIncludes
  }

  /// Hermetic headers: no host folder (`/usr/include`, `/usr/local/include`) is searched,
  /// so a host header can never leak into an image; the compiler's builtin headers come
  /// after every `-I` folder (a libc's own `stddef.h` wins over them).
  public var headerFlags: [String] {
    ["-nostdinc"] + builtinIncludes.flatMap { ["-isystem", $0] }
  }

  /// Flags that select the architecture (clang) or match the cross compiler (gcc).
  public func targetFlags(_ architecture: Architecture) -> [String] {
    switch family {
    case .clang: return ["--target=\(architecture.freestandingTriple)"]
    case .gcc: return []
    }
  }

  /// The linker's emulation flag, so one ld.lld links every architecture.
  public func linkerFlags(_ architecture: Architecture) -> [String] {
    switch architecture {
    case .x86_64: return ["-m", "elf_x86_64"]
    case .arm64: return ["-m", "aarch64elf"]
    }
  }
}

/// A tool kraft needs is missing; the message names the Debian package that provides it.
public struct MissingToolError: KraftError, Equatable {
  public var tool: String
  public var package: String
  public var purpose: String

  public init(tool: String, package: String, purpose: String) {
    self.tool = tool
    self.package = package
    self.purpose = purpose
  }

  public var kind: ErrorKind { .missingTool }
  public var message: String {
    "'\(tool)' is not installed; it is needed \(purpose). Install it with 'apt-get install \(package)'"
  }
}

/// Asks a compiler where its builtin headers are: clang's resource folder
/// (`clang -print-resource-dir`) + `/include`, gcc's `gcc -print-file-name=include`.
public struct BuiltinHeaderLocator: Sendable {
  public var runner: ProcessRunner

  public init(runner: ProcessRunner = SystemProcessRunner()) {
    self.runner = runner
  }

  public func folders(compiler: String, family: Toolchain.Family) throws -> [String] {
    let question = family == .clang ? "-print-resource-dir" : "-print-file-name=include"
    let result = try? runner.capture(ProcessCommand(compiler, [question]))
    let answer = result?.stdout.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
    // gcc echoes the name back when it has no such file.
    guard result?.status == 0, answer.hasPrefix("/") else {
      throw BuiltinHeadersNotFound(compiler: compiler, question: question)
    }
    return [family == .clang ? answer + "/include" : answer]
  }
}

/// The compiler could not say where its builtin headers are, so nothing can be compiled
/// hermetically.
public struct BuiltinHeadersNotFound: KraftError, Equatable {
  public var compiler: String
  public var question: String

  public init(compiler: String, question: String) {
    self.compiler = compiler
    self.question = question
  }

  public var kind: ErrorKind { .missingTool }
  public var message: String {
    "'\(compiler) \(question)' did not name the compiler's builtin header folder; reinstall the compiler or choose another with '--compiler'"
  }
}

/// Finds a toolchain for an architecture. `preferred` is a family name (`clang`, `gcc`) or a
/// compiler path/name (`clang-16`, `/usr/bin/x86_64-linux-gnu-gcc`).
public struct ToolchainDetector: Sendable {
  public var locator: ExecutableLocator
  public var runtimeLibraries: RuntimeLibraryLocator
  public var builtinHeaders: BuiltinHeaderLocator

  /// `runtimeLibraries` defaults to finding none, so a detector given a fake locator stays
  /// independent of the machine; `ProjectBuild` passes the real one.
  public init(
    locator: ExecutableLocator = ExecutableLocator(),
    runtimeLibraries: RuntimeLibraryLocator = RuntimeLibraryLocator(listFolder: { _ in [] }),
    builtinHeaders: BuiltinHeaderLocator = BuiltinHeaderLocator()
  ) {
    self.locator = locator
    self.runtimeLibraries = runtimeLibraries
    self.builtinHeaders = builtinHeaders
  }

  public func detect(preferred: String?, for architecture: Architecture) throws -> Toolchain {
    let wanted = preferred ?? "clang"
    if wanted == "gcc" || wanted.hasSuffix("gcc") || wanted.contains("gcc-") {
      return try gcc(wanted == "gcc" ? nil : wanted, architecture)
    }
    return try clang(wanted, architecture)
  }

  private func clang(_ name: String, _ architecture: Architecture) throws -> Toolchain {
    let purpose = "to compile for \(architecture.rawValue)"
    guard let compiler = locator.find(name) else {
      throw MissingToolError(tool: name, package: "clang", purpose: purpose)
    }
    // Prefer the linker and objcopy beside the compiler: they come from the same release.
    let folder = String(compiler[..<(compiler.lastIndex(of: "/") ?? compiler.startIndex)])
    let sibling = ExecutableLocator(
      searchPath: [folder] + locator.searchPath, isExecutable: locator.isExecutable)
    guard let linker = sibling.find("ld.lld") else {
      throw MissingToolError(tool: "ld.lld", package: "lld", purpose: "to link images")
    }
    guard let objcopy = sibling.find("llvm-objcopy") else {
      throw MissingToolError(tool: "llvm-objcopy", package: "llvm", purpose: "to strip images")
    }
    let builtinIncludes = try builtinHeaders.folders(compiler: compiler, family: .clang)
    // The resource folder is the builtin headers' parent.
    let resources = builtinIncludes.first.map { String($0.dropLast("/include".count)) }
    return Toolchain(
      family: .clang, compiler: compiler, linker: linker, objcopy: objcopy,
      runtimeLibraries: runtimeLibraries.libraries(for: architecture)
        + (resources.map { runtimeLibraries.clangBuiltins(resourceDirectory: $0, for: architecture) }
          ?? []),
      builtinIncludes: builtinIncludes)
  }

  private func gcc(_ explicit: String?, _ architecture: Architecture) throws -> Toolchain {
    // The host gcc builds x86_64 on an x86_64 host; other architectures need a cross gcc.
    let prefix: String
    let package: String
    switch architecture {
    case .x86_64: (prefix, package) = ("x86_64-linux-gnu-", "gcc-x86-64-linux-gnu")
    case .arm64: (prefix, package) = ("aarch64-linux-gnu-", "gcc-aarch64-linux-gnu")
    }
    let purpose = "to compile for \(architecture.rawValue) with gcc"
    var candidates = [prefix + "gcc"] + (architecture == .x86_64 ? ["gcc"] : [])
    if let explicit { candidates = [explicit] }
    guard let compiler = candidates.lazy.compactMap(locator.find).first else {
      throw MissingToolError(tool: candidates[0], package: package, purpose: purpose)
    }
    let found =
      locator.find(prefix + "ld").map { ($0, Toolchain.LinkerFlavor.gnu) }
      ?? locator.find("ld.lld").map { ($0, Toolchain.LinkerFlavor.lld) }
    guard let (linker, linkerFlavor) = found else {
      throw MissingToolError(
        tool: prefix + "ld", package: "binutils-\(package.dropFirst(4))", purpose: "to link images")
    }
    guard let objcopy = locator.find(prefix + "objcopy") ?? locator.find("llvm-objcopy") else {
      throw MissingToolError(
        tool: prefix + "objcopy", package: "binutils-\(package.dropFirst(4))", purpose: "to strip images")
    }
    return Toolchain(
      family: .gcc, compiler: compiler, linker: linker, linkerFlavor: linkerFlavor, objcopy: objcopy,
      runtimeLibraries: runtimeLibraries.libraries(for: architecture),
      builtinIncludes: try builtinHeaders.folders(compiler: compiler, family: .gcc))
  }
}
