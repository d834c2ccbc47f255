import ArgumentParser
import Foundation
import KraftBasics
import KraftBuild
import KraftManifest
import KraftModel

/// `kraft verify MANIFEST`: rebuilds a release in a fresh temporary folder and reports whether
/// every artifact came out identical, or where the first difference lies. `kraft verify REF`
/// does the same for a package in a registry (VerifyCommand+Package).
struct VerifyCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "verify",
    abstract: "Rebuild a release (or a package in a registry) and check it is bit-for-bit identical.",
    discussion: """
      MANIFEST is the <image>.release.json that 'kraft build --release' wrote beside the image. \
      The project folder it names (or --project) is copied without its build outputs into a \
      temporary folder and rebuilt there with the recorded command. Exit status 0 when every \
      artifact is identical, 76 with the first differing section otherwise. See docs/releases.md.

      REF (HOST[:PORT]/NAME[:TAG][@sha256:DIGEST]) is a package of a release build: it is \
      pulled with the release manifest and SBOM attached to each image, and each image \
      (--plat, -m; all by default) is rebuilt from the project in --project (default: the \
      current folder) and compared with the package's kernel, initrd, manifest and SBOM. \
      See docs/packaging.md.
      """)

  @Argument(
    help: ArgumentHelp(
      "The release manifest (<image>.release.json), or a package reference.", valueName: "manifest-or-ref"))
  var manifest: String

  @Option(
    help: ArgumentHelp(
      "The project folder (default: the one the manifest records; for a package, the current folder).",
      valueName: "folder"))
  var project: String?

  @Option(
    name: .customLong("plat"),
    help: ArgumentHelp("For a package: verify the image of this platform only.", valueName: "plat"))
  var platform: String?

  @Option(
    name: [.customShort("m"), .customLong("arch")],
    help: ArgumentHelp("For a package: verify the image of this architecture only.", valueName: "arch"))
  var architecture: String?

  @OptionGroup var registryOptions: RegistryOptions

  @Flag(help: "Rebuild even with a toolchain other than the pinned one.")
  var allowToolchainChange = false

  @Flag(help: "Keep the temporary folder of the rebuild and print its path.")
  var keep = false

  func run() throws {
    if let reference = packageReference() { return try verifyPackage(reference) }
    let manifestValue = try ReleaseVerifier.load(manifestPath: manifest)
    let folder = project ?? ReleaseVerifier.projectDirectory(manifestPath: manifest, manifest: manifestValue)
    let loaded = try KraftfileLoader.forCommand()
      .load(kraftfile: folder + "/" + manifestValue.project.kraftfile, project: nil)
    KraftfileWarnings.report(loaded)
    let kernel = try KernelTree.locate(kraftfile: loaded.kraftfile, fileSystem: LocalFileSystem())
    let rebuilder = ProcessReleaseRebuilder(
      runner: SystemProcessRunner(), executable: Self.executable, kernel: kernel,
      extraArguments: allowToolchainChange ? ["--allow-toolchain-change"] : [])
    print("rebuilding \(manifestValue.image.file) (\(manifestValue.rebuild.shellLine))")
    let outcome = try ReleaseVerifier(rebuilder: rebuilder, keep: keep)
      .verify(manifestPath: manifest, projectDirectory: project, kernel: kernel)
    if let kept = outcome.keptDirectory { print("rebuilt in \(kept)") }
    for name in outcome.identical { print("identical: \(name)") }
    guard outcome.differences.isEmpty else {
      var lines = ["the release of '\(manifestValue.image.file)' did not reproduce"]
      lines += outcome.differences.map { "  " + $0.description }
      if !outcome.changedInputs.isEmpty {
        lines.append("inputs that differ from the release:")
        lines += outcome.changedInputs.map { "  " + $0 }
      }
      throw ReleaseError(.verificationFailed, lines.joined(separator: "\n"))
    }
    for note in outcome.changedInputs { print("note: \(note)") }
    print("verified: \(manifestValue.image.file) sha256 \(manifestValue.image.sha256)")
  }

  /// This kraft binary, so the rebuild uses the same version that verifies.
  static var executable: String {
    ExecutableLocator.currentExecutable
  }
}
