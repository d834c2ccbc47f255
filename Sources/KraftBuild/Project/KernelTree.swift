import Foundation
import KraftBasics
import KraftModel

/// Where the kernel's sources (`Kernel/`) and the port recipes (`Ports/`) are. Found, in order:
/// `$KRAFT_KERNEL_DIR`; the Kraftfile's `unikraft: source:` when it is a local folder holding
/// a kraft kernel; the first `Kernel/` in the Kraftfile's folder or above it; the one of the
/// running `kraft` binary (its real path, however it was started): an installation's
/// `<prefix>/share/kraft/Kernel` for `<prefix>/bin/kraft`, or the source tree's `Kernel/` above
/// a build folder's binary; then `/usr/local/share/kraft/Kernel`, `/usr/share/kraft/Kernel`.
public struct KernelTree: Hashable, Sendable {
  /// `.../Kernel`.
  public var kernelDirectory: String
  /// `.../Ports`, when present.
  public var portsDirectory: String?

  public init(kernelDirectory: String, portsDirectory: String? = nil) {
    self.kernelDirectory = kernelDirectory
    self.portsDirectory = portsDirectory
  }

  /// Why kraft's own ports are unavailable with this kernel (no `Ports/` beside it), said so
  /// that `kraft port` never silently shows only the project's ports; nil when they are there.
  public var missingPortsWarning: String? {
    guard portsDirectory == nil else { return nil }
    let expected = (kernelDirectory as NSString).deletingLastPathComponent + "/Ports"
    return
      "warning: kraft's built-in ports are missing: no '\(expected)' beside the kernel at '\(kernelDirectory)'; reinstall kraft (scripts/install.sh) or add a ports folder to KRAFT_PORTS_PATH"
  }

  /// `Kernel/include`: headers shared by every library (`kraft/abi.h`).
  public var commonIncludes: [String] { [kernelDirectory + "/include"] }

  static let marker = "include/kraft/abi.h"

  /// `fetchedKernel`: the tree fetched for a remote `unikraft: source:`; when given, it is the
  /// only place looked at (after `$KRAFT_KERNEL_DIR`): the user asked for that kernel, so
  /// another one found nearby must not silently take its place.
  public static func locate(
    kraftfile: Kraftfile, fetchedKernel: String? = nil,
    environment: [String: String] = ProcessInfo.processInfo.environment,
    executable: String = ExecutableLocator.currentExecutable, fileSystem: FileSystem
  ) throws -> KernelTree {
    var candidates: [String] = []
    if let explicit = environment["KRAFT_KERNEL_DIR"] {
      // Named explicitly: a wrong path is an error, not a reason to look elsewhere.
      guard fileSystem.exists(explicit + "/" + marker) else {
        throw KernelNotFound(
          message:
            "KRAFT_KERNEL_DIR is '\(explicit)', which holds no kraft kernel ('\(marker)' is missing); point it at a 'Kernel/' folder or unset it"
        )
      }
      candidates.append(explicit)
    }
    if let fetched = fetchedKernel {
      candidates += [fetched, fetched + "/Kernel"]
      guard let kernel = candidates.first(where: { fileSystem.exists($0 + "/" + marker) }) else {
        throw KernelNotFound(
          message:
            "the 'unikraft:' source holds no kraft kernel: neither its top folder nor its 'Kernel/' has '\(marker)'"
        )
      }
      return tree(at: kernel, fileSystem: fileSystem)
    }
    if case .path(let path)? = kraftfile.unikraft?.source {
      let folder = path.hasPrefix("/") ? path : kraftfile.directory + "/" + path
      candidates += [folder, folder + "/Kernel"]
    }
    candidates += ancestors(of: kraftfile.directory).map { $0 + "/Kernel" }
    if !executable.isEmpty { candidates += besideExecutable(executable) }
    candidates += ["/usr/local/share/kraft/Kernel", "/usr/share/kraft/Kernel"]

    guard let kernel = candidates.first(where: { fileSystem.exists($0 + "/" + marker) }) else {
      throw KernelNotFound(
        message:
          "cannot find the kraft kernel sources (a 'Kernel/' folder with '\(marker)'); set KRAFT_KERNEL_DIR to it"
      )
    }
    return tree(at: kernel, fileSystem: fileSystem)
  }

  /// The kernel at `kernel`, with the `Ports/` beside it when there is one.
  static func tree(at kernel: String, fileSystem: FileSystem) -> KernelTree {
    let ports = (kernel as NSString).deletingLastPathComponent + "/Ports"
    return KernelTree(
      kernelDirectory: kernel, portsDirectory: fileSystem.isDirectory(ports) ? ports : nil)
  }

  /// Where the kernel of the binary at `executable` can be: the installed layout
  /// (`<prefix>/bin/kraft` with `<prefix>/share/kraft/Kernel`, written by scripts/install.sh),
  /// then a `Kernel/` in any folder above the binary (the source tree, for a binary under
  /// `.build/`).
  static func besideExecutable(_ executable: String) -> [String] {
    let binary = URL(fileURLWithPath: executable).resolvingSymlinksInPath().path
    let folder = (binary as NSString).deletingLastPathComponent
    let prefix = (folder as NSString).deletingLastPathComponent
    return [prefix + "/share/kraft/Kernel"] + ancestors(of: folder).map { $0 + "/Kernel" }
  }

  static func ancestors(of path: String) -> [String] {
    var result: [String] = []
    var current = path
    while !current.isEmpty && current != "/" {
      result.append(current)
      current = (current as NSString).deletingLastPathComponent
    }
    return result
  }
}

/// No kernel tree was found: kraft is installed without its `Kernel/`, or run from elsewhere.
public struct KernelNotFound: KraftError {
  public var kind: ErrorKind { .missingInput }
  public var message: String
}
