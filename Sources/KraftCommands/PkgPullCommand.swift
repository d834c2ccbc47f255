import ArgumentParser
import Foundation
import KraftBasics
import KraftFetch

/// `kraft pkg pull REF`: brings a package into the local store, verified.
struct PkgPullCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "pull",
    abstract: "Pull a package from a registry into the local store.",
    discussion: """
      Every manifest and blob is checked against its sha256 digest; if one does not match, \
      the pull fails and nothing is stored. Blobs already in the store are not downloaded. \
      The image's referrers (a release's manifest and SBOM) come with it, verified the same \
      way. The store is $KRAFT_CACHE_DIR/oci (an OCI image layout). See docs/registries.md.
      """)

  @Argument(help: ArgumentHelp("The package: HOST[:PORT]/NAME[:TAG][@sha256:DIGEST].", valueName: "ref"))
  var reference: String

  @OptionGroup var registryOptions: RegistryOptions

  func run() throws {
    let access = registryOptions.access
    let report = try PackagePull.pull(reference, access: access)
    print(
      "pulled \(report.name) (\(report.report.root.digest)): downloaded "
        + "\(report.report.downloadedBlobs) blobs (\(report.report.downloadedBytes) bytes), "
        + "\(report.report.cachedBlobs) already in the store, \(report.report.referrers) referrers")
  }
}

/// The pull `kraft pkg pull` and `kraft run REF` share.
enum PackagePull {
  static func pull(_ text: String, access: RegistryAccess) throws -> (
    name: String, layout: OCILayout, report: RegistryPullReport
  ) {
    let reference = try access.reference(text)
    let layout = try store(access.environment)
    let client = try access.client(for: reference.registry)
    let report = try RegistryPuller(
      layout: layout, client: client, progress: { StandardStream.error.write("kraft: \($0)\n") }
    ).pull(reference, as: reference.description)
    return (reference.description, layout, report)
  }

  /// kraft's package store, after the cache's safety check: `kraft run` boots what is there,
  /// so a store another user could write is refused (as `kraft pkg` does).
  static func store(_ environment: [String: String]) throws -> OCILayout {
    try SourceCache(root: SourceCache.defaultRoot(environment: environment)).checkSafety()
    return OCILayout(root: OCILayout.defaultRoot(environment: environment))
  }
}
