import ArgumentParser
import Foundation
import KraftBasics
import KraftFetch

/// `kraft pkg push REF`: sends a package from the local store to its registry.
struct PkgPushCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "push",
    abstract: "Push a package from the local store to a registry.",
    discussion: """
      REF is HOST[:PORT]/NAME[:TAG], as given to 'kraft pkg --name'. Blobs the registry has \
      are not sent again (pushing the same package twice sends nothing the second time); \
      manifests go after their blobs and the tag last, so an interrupted push can simply be \
      run again. See docs/registries.md.
      """)

  @Argument(help: ArgumentHelp("The package: HOST[:PORT]/NAME[:TAG].", valueName: "ref"))
  var reference: String

  @Option(
    help: ArgumentHelp(
      "Mount blobs from this repository of the same registry instead of uploading them.",
      valueName: "repository"))
  var from: String?

  @OptionGroup var registryOptions: RegistryOptions

  func run() throws {
    let access = registryOptions.access
    let target = try access.reference(reference)
    let layout = try PackagePull.store(access.environment)
    guard
      let root = try layout.exists
        ? (layout.resolve(reference) ?? layout.resolve(target.description)) : nil
    else {
      throw FetchError(
        .missingInput,
        "no package '\(reference)' in the local store '\(layout.root)'; make it with "
          + "'kraft pkg --name \(reference)' or pull it")
    }
    let client = try access.client(for: target.registry)
    let report = try RegistryPusher(
      layout: layout, client: client, progress: { StandardStream.error.write("kraft: \($0)\n") }
    ).push(root, to: target, mountFrom: from)
    print(
      "pushed \(target) (\(report.digest)): uploaded \(report.uploadedBlobs) blobs "
        + "(\(report.uploadedBytes) bytes), \(report.presentBlobs) already present, "
        + "\(report.mountedBlobs) mounted, \(report.storedManifests) manifests stored")
  }
}
