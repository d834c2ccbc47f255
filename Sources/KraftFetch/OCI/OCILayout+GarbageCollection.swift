import Foundation
import KraftBasics
import KraftModel

extension LockedOCILayout {
  /// Every blob reachable from the named entries of `index.json`: an index's manifests, a
  /// manifest's config and layers, and the referrers (unnamed entries) whose subject is
  /// reachable. A document that is missing is skipped (a pull may hold only some platforms);
  /// one that is corrupt stops the walk with an error, so nothing is removed on a guess.
  public func reachableBlobs() throws -> Set<OCIDigest> {
    let entries = try layout.readIndexFile().manifests
    var reachable = Set<OCIDigest>()
    for entry in entries where entry.annotations?[OCIAnnotation.refName] != nil {
      try mark(entry, into: &reachable)
    }
    // Referrers: kept while their subject lives (a referrer of a referrer too, hence the loop).
    var pending = entries.filter { $0.annotations?[OCIAnnotation.refName] == nil }
    var progress = true
    while progress {
      progress = false
      for entry in pending where layout.hasBlob(entry.digest) {
        let manifest = try layout.readManifest(entry.digest)
        if let subject = manifest.subject, reachable.contains(subject.digest) {
          try mark(entry, into: &reachable)
          progress = true
        }
      }
      pending.removeAll { reachable.contains($0.digest) }
    }
    return reachable
  }

  private func mark(_ descriptor: OCIDescriptor, into reachable: inout Set<OCIDigest>) throws {
    guard reachable.insert(descriptor.digest).inserted, layout.hasBlob(descriptor.digest) else {
      return
    }
    switch descriptor.mediaType {
    case OCIMediaType.imageIndex:
      for child in try layout.readIndex(descriptor.digest).manifests {
        try mark(child, into: &reachable)
      }
    case OCIMediaType.imageManifest:
      let manifest = try layout.readManifest(descriptor.digest)
      reachable.insert(manifest.config.digest)
      for layer in manifest.layers { reachable.insert(layer.digest) }
    default:
      break
    }
  }

  /// Removes every blob nothing reaches, and unnamed index entries (referrers) whose subject
  /// is gone. Returns the digests removed.
  @discardableResult
  public func collectGarbage() throws -> [OCIDigest] {
    let reachable = try reachableBlobs()
    var index = try layout.readIndexFile()
    let kept = index.manifests.filter {
      $0.annotations?[OCIAnnotation.refName] != nil || reachable.contains($0.digest)
    }
    if kept.count != index.manifests.count {
      index.manifests = kept
      try writeIndexFile(index)
    }
    var removed: [OCIDigest] = []
    for digest in try layout.blobDigests() where !reachable.contains(digest) {
      try layout.fileSystem.remove(layout.blobPath(digest))
      removed.append(digest)
    }
    removeAbandonedPartials()
    return removed
  }

  /// Removes the downloads in progress (`temporaryBlobPath`) of processes that no longer
  /// exist: a pull killed by SIGKILL or a power cut cannot clean up after itself. The name
  /// carries the pid; a live process's download is left alone.
  func removeAbandonedPartials() {
    let folder = layout.root + "/blobs/sha256"
    for name in (try? layout.fileSystem.list(folder)) ?? [] where name.hasPrefix(".partial-") {
      let parts = name.split(separator: "-")
      guard parts.count >= 3, let pid = Int32(parts[1]), pid != getpid() else { continue }
      if kill(pid, 0) != 0 && errno == ESRCH {
        try? layout.fileSystem.remove(folder + "/" + name)
      }
    }
  }

  /// Removes the name and whatever only it kept alive. Returns false when there was no such name.
  @discardableResult
  public func removeReference(_ name: String) throws -> Bool {
    guard try untag(name) else { return false }
    try collectGarbage()
    return true
  }
}

extension OCILayout {
  /// `LockedOCILayout.removeReference` under the lock.
  @discardableResult
  public func removeReference(_ name: String) throws -> Bool {
    try locked { try $0.removeReference(name) }
  }
}
