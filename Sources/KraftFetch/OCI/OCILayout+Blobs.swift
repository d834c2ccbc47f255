import Foundation
import KraftBasics
import KraftModel

extension OCILayout {
  /// The digest of `data` (sha256, as kraft hashes everything).
  public static func digest(of data: Data) -> OCIDigest {
    var hasher = SHA256()
    data.withUnsafeBytes { hasher.update($0) }
    return OCIDigest(sha256Hex: hasher.finalizeHex())!
  }

  public func hasBlob(_ digest: OCIDigest) -> Bool {
    fileSystem.status(blobPath(digest), followingLinks: false)?.kind == .file
  }

  /// Stores `data` under its digest and returns a descriptor of it. Writing a blob that is
  /// already present writes nothing (same digest, same bytes). The write is atomic (see type).
  @discardableResult
  public func writeBlob(_ data: Data, mediaType: String) throws -> OCIDescriptor {
    let digest = Self.digest(of: data)
    if !hasBlob(digest) {
      try fileSystem.writeData(data, to: blobPath(digest))
    }
    return OCIDescriptor(mediaType: mediaType, digest: digest, size: Int64(data.count))
  }

  /// Moves a finished download at `path` into the layout as a blob, after checking that its
  /// content has `expected` digest (and `expectedSize`, when given). On a mismatch the file is
  /// removed and nothing enters the layout. `path` should be on the same file system as the
  /// layout (a rename); use `temporaryBlobPath()`.
  public func adoptBlob(at path: String, expected: OCIDigest, expectedSize: Int64? = nil) throws {
    let data: Data
    do {
      data = try fileSystem.readData(path)
    } catch {
      throw FetchError(.outputFailed, "cannot read '\(path)': \(error)")
    }
    let actual = Self.digest(of: data)
    guard actual == expected, expectedSize.map({ $0 == Int64(data.count) }) ?? true else {
      try? fileSystem.remove(path)
      throw FetchError(
        .verificationFailed,
        """
        a blob does not match its descriptor
          expected: \(expected) (\(expectedSize.map { "\($0) bytes" } ?? "any size"))
          actual:   \(actual) (\(data.count) bytes)
        nothing was stored; the source sent other content than it announced
        """)
    }
    if hasBlob(expected) {
      try? fileSystem.remove(path)
      return
    }
    try fileSystem.createDirectory(root + "/blobs/sha256", exactly: 0o755)
    do {
      try fileSystem.move(path, to: blobPath(expected))
    } catch  where hasBlob(expected) {
      try? fileSystem.remove(path)  // another process stored the same content first
    }
  }

  /// A fresh path inside the layout's blob folder for a download in progress (hidden, so no
  /// reader takes it for a blob); the caller adopts or removes it.
  public func temporaryBlobPath() throws -> String {
    try fileSystem.createDirectory(root + "/blobs/sha256", exactly: 0o755)
    return root + "/blobs/sha256/.partial-\(getpid())-\(UUID().uuidString)"
  }

  /// The blob's bytes, hashed again: a blob changed on disk since it was written (bit rot, a
  /// hand edit, a truncated copy) is removed and reported, never returned.
  public func readBlob(_ digest: OCIDigest) throws -> Data {
    let path = blobPath(digest)
    guard hasBlob(digest) else {
      throw FetchError(
        .missingInput, "the blob '\(digest)' is not in the OCI layout '\(root)'")
    }
    let data = try fileSystem.readData(path)
    let actual = Self.digest(of: data)
    guard actual == digest else {
      try? fileSystem.remove(path)
      throw FetchError(
        .verificationFailed,
        """
        the blob '\(digest)' in the OCI layout '\(root)' is corrupt (its content hashes to \
        '\(actual)'); it was removed: build and package again, or pull the image again
        """)
    }
    return data
  }

  /// The digests of every blob present, sorted.
  public func blobDigests() throws -> [OCIDigest] {
    let folder = root + "/blobs/sha256"
    guard fileSystem.isDirectory(folder) else { return [] }
    return try fileSystem.list(folder).compactMap { OCIDigest(sha256Hex: $0) }.sorted()
  }
}
