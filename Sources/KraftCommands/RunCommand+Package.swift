import ArgumentParser
import Foundation
import KraftBasics
import KraftBuild
import KraftFetch
import KraftModel

/// `kraft run REF`: a package reference instead of a project folder. The package is pulled
/// when the local store does not have it, the image of the host's architecture (or `-m`)
/// and of `--plat` (any when not given) is chosen, and it boots like a built image.
extension RunCommand {
  /// The reference the positional argument names, when it is not a project folder or file.
  func packageReference() -> String? {
    guard project.kraftfile == nil, let text = project.project,
      !FileManager.default.fileExists(atPath: text),
      (try? registryOptions.access.reference(text)) != nil
    else { return nil }
    return text
  }

  func runPackage(_ text: String) throws {
    let access = registryOptions.access
    let reference = try access.reference(text)
    let layout = try PackagePull.store(access.environment)
    var root = try layout.exists ? layout.resolve(reference.description) : nil
    if root == nil {
      root = try PackagePull.pull(text, access: access).report.root
    }
    guard let root else { return }
    let architecture = try architecture.map(Self.architecture) ?? Self.hostArchitecture()
    let platform = try platform.map { name in
      guard let platform = Platform(name: name) else {
        throw ValidationError("unknown platform '\(name)'; use qemu or fc")
      }
      return platform
    }
    let image = try PackageImage.select(
      layout: layout, root: root, platform: platform, architecture: architecture)
    let prepared = try PackageRunner().prepare(
      image,
      PackageRunner.Options(
        memory: try MemorySize.megabytes(memory),
        kernelArguments: try ApplicationEnvironment.kernelArguments(
          kraftfile: [], overrides: environment, host: ProcessInfo.processInfo.environment)
          + kernelArguments,
        appArguments: appArguments,
        acceleration: kvm ? .kvm : disableAcceleration ? .tcg : .automatic, timeout: timeout,
        ports: ports, network: network))
    try boot(
      prepared, projectName: reference.repository.split(separator: "/").last.map(String.init) ?? "package")
  }

  static func architecture(_ name: String) throws -> Architecture {
    guard let architecture = Architecture(name: name) else {
      throw ValidationError("unknown architecture '\(name)'; use x86_64 or arm64")
    }
    return architecture
  }

  /// The machine's architecture (`uname -m`).
  static func hostArchitecture() throws -> Architecture {
    var names = utsname()
    uname(&names)
    let machine = withUnsafeBytes(of: &names.machine) { bytes in
      String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }
    guard let architecture = Architecture(name: machine) else {
      throw ValidationError("kraft runs no images on a '\(machine)' host; give '-m/--arch'")
    }
    return architecture
  }
}
