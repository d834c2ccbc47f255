import Foundation
import KraftBasics
import KraftModel

/// An OCI image layout folder (image spec v1.1, `image-layout.md`):
///
///     <root>/oci-layout             {"imageLayoutVersion":"1.0.0"}
///     <root>/index.json             the references (tags) and referrers, an OCIImageIndex
///     <root>/blobs/sha256/<hex>     every manifest, index, config and layer, by digest
///     <root>/.kraft.lock            kraft's flock: one writer of index.json at a time
///
/// It is both kraft's local package store (`$KRAFT_CACHE_DIR/oci`) and what
/// `kraft pkg --output oci:DIR` writes, so skopeo, umoci and kraftkit read it as it is.
/// A blob is written to a temporary file beside its final name, flushed, and renamed into
/// place only once its digest is known, so a crash or Ctrl-C never leaves half a blob under a
/// digest; a blob is hashed again on every read and one that no longer matches is removed.
public struct OCILayout: Sendable {
  public let root: String
  public let fileSystem: any FileSystem

  public static let layoutVersion = "1.0.0"

  public init(root: String, fileSystem: any FileSystem = LocalFileSystem()) {
    self.root = root
    self.fileSystem = fileSystem
  }

  /// kraft's own store: `oci/` under the source cache root (`$KRAFT_CACHE_DIR`, ...).
  public static func defaultRoot(environment: [String: String]) -> String {
    SourceCache.defaultRoot(environment: environment) + "/oci"
  }

  public var indexPath: String { root + "/index.json" }
  public var layoutMarkerPath: String { root + "/oci-layout" }
  public func blobPath(_ digest: OCIDigest) -> String { root + "/" + digest.layoutPath }

  /// True when `root` holds an image layout (its `oci-layout` file).
  public var exists: Bool { fileSystem.exists(layoutMarkerPath) }

  /// Creates the folder, `oci-layout` and an empty `index.json` when missing; refuses a folder
  /// that holds something else than an image layout (an `--output` pointed at the wrong place).
  public func create() throws {
    if exists {
      let marker = try? CanonicalJSON.decode(
        LayoutMarker.self, from: fileSystem.readData(layoutMarkerPath))
      guard marker?.imageLayoutVersion == Self.layoutVersion else {
        throw FetchError(
          .invalidInput,
          "'\(layoutMarkerPath)' is not an OCI image layout version \(Self.layoutVersion) "
            + "marker; remove the folder '\(root)' or choose another")
      }
      return
    }
    // What an interrupted create() leaves is no reason to refuse the folder.
    let ownEntries: Set = [".kraft.lock", "blobs", "index.json"]
    if fileSystem.exists(root), try fileSystem.list(root).contains(where: { !ownEntries.contains($0) }) {
      throw FetchError(
        .invalidInput,
        "'\(root)' exists and is not an OCI image layout (it has no 'oci-layout' file); choose "
          + "an empty or new folder")
    }
    try fileSystem.createDirectory(root + "/blobs/sha256", exactly: 0o755)
    try withLock {
      if !fileSystem.exists(indexPath) {
        try fileSystem.writeData(try CanonicalJSON.encode(OCIImageIndex(manifests: [])), to: indexPath)
      }
      // The marker last: a layout with a marker always has its index.
      try fileSystem.writeData(
        try CanonicalJSON.encode(LayoutMarker(imageLayoutVersion: Self.layoutVersion)),
        to: layoutMarkerPath)
    }
  }

  /// Runs `body` holding the layout's lock: every change of `index.json` (tag, untag, garbage
  /// collection) is a read-modify-write that two kraft processes must not interleave.
  public func withLock<T>(_ body: () throws -> T) throws -> T {
    try FileLock.withLock(at: root + "/.kraft.lock", body)
  }

  struct LayoutMarker: Codable {
    var imageLayoutVersion: String
  }
}
