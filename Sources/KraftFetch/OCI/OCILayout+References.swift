import Foundation
import KraftBasics
import KraftModel

/// A name in a layout's `index.json` (its `org.opencontainers.image.ref.name`) and what it
/// points at: an image index, or a single image manifest.
public struct OCILayoutReference: Hashable, Sendable {
  public var name: String
  public var descriptor: OCIDescriptor
}

extension OCILayout {
  /// `index.json` as it is on disk; an empty index when the layout has none yet.
  public func readIndexFile() throws -> OCIImageIndex {
    guard fileSystem.exists(indexPath) else { return OCIImageIndex(manifests: []) }
    do {
      return try CanonicalJSON.decode(OCIImageIndex.self, from: fileSystem.readData(indexPath))
    } catch {
      throw FetchError(
        .invalidInput,
        "'\(indexPath)' is not a valid OCI image index: \(error); repair or remove the layout")
    }
  }

  /// Every named entry of `index.json`, sorted by name.
  public func references() throws -> [OCILayoutReference] {
    try readIndexFile().manifests.compactMap { descriptor in
      descriptor.annotations?[OCIAnnotation.refName].map {
        OCILayoutReference(name: $0, descriptor: descriptor)
      }
    }.sorted { $0.name < $1.name }
  }

  /// What `name` points at, nil when the layout has no such reference.
  public func resolve(_ name: String) throws -> OCIDescriptor? {
    try references().first { $0.name == name }?.descriptor
  }

  /// The referrers of the manifest `subject` that the layout lists (unnamed `index.json`
  /// entries whose manifest has that `subject`), what a registry's referrers API returns.
  public func referrers(of subject: OCIDigest) throws -> [OCIDescriptor] {
    var found: [OCIDescriptor] = []
    for entry in try readIndexFile().manifests
    where entry.annotations?[OCIAnnotation.refName] == nil
      && entry.mediaType == OCIMediaType.imageManifest && hasBlob(entry.digest)
    {
      if try readManifest(entry.digest).subject?.digest == subject { found.append(entry) }
    }
    return found
  }

  /// Runs `body` holding the layout's lock with the operations that rewrite `index.json` or
  /// remove blobs. A writer that stores blobs and then names them does both inside one
  /// `locked`, so a concurrent garbage collection can never remove its blobs in between.
  public func locked<T>(_ body: (LockedOCILayout) throws -> T) throws -> T {
    try create()
    return try withLock { try body(LockedOCILayout(layout: self)) }
  }

  /// Names `descriptor` `name` (replacing what the name pointed at before).
  public func tag(_ name: String, _ descriptor: OCIDescriptor) throws {
    try locked { try $0.tag(name, descriptor) }
  }

  /// The OCI image spec's grammar for `org.opencontainers.image.ref.name`: components of
  /// letters and digits joined by `-._:@+` (or `--`), separated by `/`.
  public static func isValidReferenceName(_ name: String) -> Bool {
    guard !name.isEmpty else { return false }
    for component in name.split(separator: "/", omittingEmptySubsequences: false) {
      guard let first = component.first, let last = component.last,
        first.isASCII, first.isLetter || first.isNumber,
        last.isASCII, last.isLetter || last.isNumber
      else { return false }
      for character in component
      where !(character.isASCII && (character.isLetter || character.isNumber))
        && !"-._:@+".contains(character)
      {
        return false
      }
    }
    return true
  }
}

/// The operations of an OCILayout that must run under its lock (see `OCILayout.locked`).
public struct LockedOCILayout {
  public let layout: OCILayout

  public func writeIndexFile(_ index: OCIImageIndex) throws {
    var sorted = index
    // A stable order (named entries by name, then the rest by digest): the same content
    // always gives the same index.json, which a tar of the layout then repeats.
    sorted.manifests.sort { lhs, rhs in
      let left = lhs.annotations?[OCIAnnotation.refName] ?? ""
      let right = rhs.annotations?[OCIAnnotation.refName] ?? ""
      return left != right ? left < right : lhs.digest < rhs.digest
    }
    try layout.fileSystem.writeData(try CanonicalJSON.encode(sorted), to: layout.indexPath)
  }

  public func tag(_ name: String, _ descriptor: OCIDescriptor) throws {
    guard OCILayout.isValidReferenceName(name) else {
      throw FetchError(
        .usage,
        "'\(name)' is not a valid OCI reference name; use letters, digits and '-._:@+', with "
          + "'/' between parts (for example 'hello:latest')")
    }
    guard layout.hasBlob(descriptor.digest) else {
      throw FetchError(
        .internal, "cannot name '\(name)': its blob '\(descriptor.digest)' is not in the layout")
    }
    var index = try layout.readIndexFile()
    index.manifests.removeAll { $0.annotations?[OCIAnnotation.refName] == name }
    var named = descriptor
    named.annotations = (descriptor.annotations ?? [:]).merging([OCIAnnotation.refName: name]) {
      _, new in new
    }
    index.manifests.append(named)
    try writeIndexFile(index)
  }

  /// Lists an artifact manifest (a referrer, whose `subject` is a manifest of the layout) in
  /// `index.json` without a name: it lives as long as its subject does (see collectGarbage).
  public func addReferrer(_ descriptor: OCIDescriptor) throws {
    var index = try layout.readIndexFile()
    guard !index.manifests.contains(where: { $0.digest == descriptor.digest }) else { return }
    index.manifests.append(descriptor)
    try writeIndexFile(index)
  }

  /// Removes the name; returns false when there was none. Blobs stay until collectGarbage.
  @discardableResult
  public func untag(_ name: String) throws -> Bool {
    var index = try layout.readIndexFile()
    let before = index.manifests.count
    index.manifests.removeAll { $0.annotations?[OCIAnnotation.refName] == name }
    guard index.manifests.count != before else { return false }
    try writeIndexFile(index)
    return true
  }
}
