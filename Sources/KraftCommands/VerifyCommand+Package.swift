import ArgumentParser
import Foundation
import KraftBasics
import KraftBuild
import KraftFetch
import KraftManifest
import KraftModel

/// `kraft verify REF`: a package reference instead of a release manifest. The package is
/// pulled with its referrers (the release manifest and bill of materials `kraft pkg` attached
/// to each image of a release build), and each image chosen (`--plat`, `-m`; all by default)
/// is rebuilt from its release manifest in a copy of the project (`--project`, default the
/// current folder) and compared byte for byte: the kernel and initrd the package holds, the
/// attached manifest and SBOM, against the rebuild and the manifest's sha256s.
extension VerifyCommand {
  /// The reference the argument names, when it is not a file.
  func packageReference() -> String? {
    guard !FileManager.default.fileExists(atPath: manifest),
      (try? registryOptions.access.reference(manifest)) != nil
    else { return nil }
    return manifest
  }

  func verifyPackage(_ text: String) throws {
    let access = registryOptions.access
    let pulled = try PackagePull.pull(text, access: access)
    print(
      "pulled \(pulled.name) (\(pulled.report.root.digest)) with \(pulled.report.referrers) referrers")
    let releases = try PackageRelease.attached(
      layout: pulled.layout, root: pulled.report.root,
      platform: try platform.map(Self.platform), architecture: try architecture.map(RunCommand.architecture))

    let given = (LocalFileSystem().absolutePath(project ?? ".") as NSString).standardizingPath
    let loaded = try KraftfileLoader.forCommand()
      .load(kraftfile: given + "/" + releases[0].manifest.project.kraftfile, project: nil)
    KraftfileWarnings.report(loaded)
    let folder = loaded.kraftfile.directory
    let kernel = try KernelTree.locate(kraftfile: loaded.kraftfile, fileSystem: LocalFileSystem())
    let outputDirectory = ProjectLayout(kraftfile: loaded.kraftfile).outputDirectory
    guard let outputs = ReleaseBuild.relative(outputDirectory, to: folder) else {
      throw ReleaseError(
        .usage,
        "the project's build outputs ('\(outputDirectory)') are not inside '\(folder)'; "
          + "'kraft verify' rebuilds into the same place within a copy; use an 'outdir' inside the project")
    }
    let rebuilder = ProcessReleaseRebuilder(
      runner: SystemProcessRunner(), executable: Self.executable, kernel: kernel,
      extraArguments: allowToolchainChange ? ["--allow-toolchain-change"] : [])

    var failed: [String] = []
    for release in releases {
      let target = release.image.target.shortForm
      print("\(target): image \(release.image.manifest.digest)")
      print("  release manifest \(release.manifestReferrer)")
      if let sbom = release.billOfMaterialsReferrer { print("  SBOM \(sbom)") }
      let packaged = OCILayout.digest(of: release.image.kernel).hex
      let recorded =
        release.kernelFile == release.manifest.debugImage.file
        ? release.manifest.debugImage.sha256 : release.manifest.image.sha256
      print("  kernel sha256 \(packaged) (the release manifest says \(recorded))")
      print("  rebuilding \(release.manifest.image.file) (\(release.manifest.rebuild.shellLine))")
      let outcome = try ReleaseVerifier(rebuilder: rebuilder, keep: keep).verify(
        release.manifest, project: folder, outputs: outputs, released: release.released, kernel: kernel)
      if let kept = outcome.keptDirectory { print("  rebuilt in \(kept)") }
      for name in outcome.identical { print("  identical: \(name)") }
      guard outcome.differences.isEmpty else {
        var lines = ["\(target) (\(release.image.manifest.digest)) did not reproduce"]
        lines += outcome.differences.map { "  " + $0.description }
        lines += outcome.changedInputs.map { "  " + $0 }
        failed.append(lines.joined(separator: "\n"))
        continue
      }
      for note in outcome.changedInputs { print("  note: \(note)") }
    }
    guard failed.isEmpty else {
      throw ReleaseError(
        .verificationFailed,
        "the package '\(pulled.name)' (\(pulled.report.root.digest)) did not verify:\n"
          + failed.joined(separator: "\n"))
    }
    print(
      "verified: \(pulled.name) (\(pulled.report.root.digest)): "
        + releases.map(\.image.target.shortForm).joined(separator: ", ") + " rebuilt bit for bit")
  }

  static func platform(_ name: String) throws -> Platform {
    guard let platform = Platform(name: name) else {
      throw ValidationError("unknown platform '\(name)'; use qemu, fc or xen")
    }
    return platform
  }
}
