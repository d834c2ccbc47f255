import Foundation
import KraftBasics
import KraftModel

/// Finds the compiler runtime an architecture's images need beyond the kernel and the libc.
/// On arm64, `long double` is IEEE binary128, which the CPU cannot compute: clang emits calls
/// to `__addtf3`, `__multf3`, `__extenddftf2`, ... (musl's printf and strtod use long double).
/// The Swift toolchain's clang ships compiler-rt for x86_64 only, so the arm64 routines come
/// from Debian's cross libgcc (`libgcc-12-dev-arm64-cross`: plain soft-float code, nothing
/// Linux-specific is pulled in). x86_64's long double is the x87 format, done in hardware.
public struct RuntimeLibraryLocator: Sendable {
  /// Folders that hold `<gcc version>/libgcc.a` per architecture (Debian's cross layout).
  public static let crossFolders: [Architecture: String] = [
    .arm64: "/usr/lib/gcc-cross/aarch64-linux-gnu"
  ]

  public var listFolder: @Sendable (String) -> [String]
  public var isFile: @Sendable (String) -> Bool

  public init(
    listFolder: @escaping @Sendable (String) -> [String] = {
      (try? LocalFileSystem().list($0)) ?? []
    },
    isFile: @escaping @Sendable (String) -> Bool = { LocalFileSystem().exists($0) }
  ) {
    self.listFolder = listFolder
    self.isFile = isFile
  }

  /// The archives to link after every object for `architecture` (an archive only adds the
  /// members something references, so images that need none stay as they were).
  public func libraries(for architecture: Architecture) -> [String] {
    guard let folder = Self.crossFolders[architecture] else { return [] }
    // The newest gcc version present (numeric order: 12 after 9).
    let versions = listFolder(folder).filter { isFile(folder + "/" + $0 + "/libgcc.a") }
      .sorted { $0.compare($1, options: .numeric) == .orderedAscending }
    return versions.last.map { [folder + "/" + $0 + "/libgcc.a"] } ?? []
  }

  /// clang's own compiler-rt builtins for `architecture`, when its resource folder holds them
  /// (the Swift toolchain's clang has x86_64's): the routines clang calls instead of inlining,
  /// such as 128-bit division (`__udivti3`, in CPython's libmpdec).
  public func clangBuiltins(resourceDirectory: String, for architecture: Architecture) -> [String] {
    let name = architecture == .x86_64 ? "x86_64" : "aarch64"
    let archive = resourceDirectory + "/lib/linux/libclang_rt.builtins-" + name + ".a"
    return isFile(archive) ? [archive] : []
  }
}
