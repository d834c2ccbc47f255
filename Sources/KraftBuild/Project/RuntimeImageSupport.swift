import KraftModel

/// Kraftfiles from Unikraft's catalog that kraft reads but cannot build yet: images that run
/// a prebuilt Unikraft runtime (`runtime: base:latest`, app-elfloader's way of running Linux
/// binaries) and root file systems built from a Dockerfile (`rootfs: ./Dockerfile`). They
/// validate, so that a project can be checked and edited; `kraft build` refuses them before
/// anything is fetched or compiled, saying exactly what is missing.
public enum RuntimeImageSupport {
  /// Throws `UnsupportedImage` naming every such setting in the Kraftfile.
  public static func checkBuildable(_ kraftfile: Kraftfile) throws {
    var reasons: [String] = []
    if let runtime = kraftfile.runtime {
      reasons.append(
        "'runtime: \(runtime)' is not supported yet: kraft builds images from source and cannot "
          + "run a prebuilt Unikraft runtime image; remove 'runtime' and list the program's "
          + "sources and 'libraries' instead")
    }
    if let rootfs = kraftfile.rootfs, isDockerfile(rootfs) {
      reasons.append(
        "'rootfs: \(rootfs)' is not supported yet: kraft cannot build a root file system from a "
          + "Dockerfile; give a folder or a cpio archive ('.cpio') instead")
    }
    if !reasons.isEmpty { throw UnsupportedImage(message: reasons.joined(separator: "\n")) }
  }

  /// `Dockerfile`, `Dockerfile.<variant>` or `<name>.Dockerfile`, as Docker and kraftkit name them.
  public static func isDockerfile(_ path: String) -> Bool {
    let name = path.split(separator: "/").last.map(String.init) ?? path
    return name == "Dockerfile" || name.hasPrefix("Dockerfile.") || name.hasSuffix(".Dockerfile")
  }
}

/// A Kraftfile asks for an image kind kraft cannot build yet.
public struct UnsupportedImage: KraftError, Hashable {
  public var message: String
  public var kind: ErrorKind { .invalidInput }
}
