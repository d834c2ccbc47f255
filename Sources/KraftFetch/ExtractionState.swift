import CLibArchive
import Foundation

/// What one extraction has seen so far, and the decision on each next entry: which kinds may
/// be written, with which mode, and whether the archive stays within its limits.
struct ExtractionState {
  let archive: String
  let destination: String
  let limits: ArchiveLimits
  let archiveSize: Int64
  /// The single top folder, once the first entry named it.
  private(set) var top: String?
  /// Bytes of the entries finished so far, plus the current one's size as its header says.
  private var committedBytes: Int64 = 0
  private var currentEntryBytes: Int64 = 0
  private var entries = 0
  /// Symbolic links written, relative to `destination`.
  private(set) var links: [String] = []

  init(archive: String, destination: String, limits: ArchiveLimits, archiveSize: Int64) {
    self.archive = archive
    self.destination = destination
    self.limits = limits
    self.archiveSize = archiveSize
  }

  /// Checks an entry and normalises it for writing; returns its path below the destination,
  /// or nil for the top folder itself. Throws for anything unsafe.
  mutating func admit(_ entry: OpaquePointer) throws -> String? {
    let name = String(cString: archive_entry_pathname(entry))
    let (entryTop, relative) = try ArchiveExtractor.strippedPath(name, archive: archive)
    let type = archive_entry_filetype(entry)
    // `./` of an archive made with `tar -C folder .`: no top folder yet.
    if entryTop.isEmpty && type == S_IFDIR { return nil }
    if let top, entryTop != top {
      throw FetchError(
        .verificationFailed,
        "archive '\(archive)' has several top folders ('\(top)' and '\(entryTop)'); kraft "
          + "expects one top folder, as release archives have, and will not merge them")
    }
    top = entryTop
    let hardlink = archive_entry_hardlink(entry).map { String(cString: $0) }
    if relative.isEmpty {
      guard type == S_IFDIR, hardlink == nil else {
        throw FetchError(
          .verificationFailed,
          "archive '\(archive)': '\(name)' is outside the archive's top folder; kraft expects "
            + "one top folder, as release archives have")
      }
      return nil
    }
    entries += 1
    if entries > limits.maximumEntries {
      throw tooLarge("it has more than \(limits.maximumEntries) entries")
    }
    if let parent = TreeLinks.linkedParent(of: relative, root: destination) {
      throw ArchiveExtractor.unsafe(name, archive, "inside '\(parent)', a symbolic link")
    }
    if let hardlink {
      try admitHardLink(entry, name: name, target: hardlink)
    } else {
      switch type {
      case S_IFDIR:
        archive_entry_set_perm(entry, 0o755)
      case S_IFREG:
        archive_entry_set_perm(entry, archive_entry_perm(entry) & S_IXUSR != 0 ? 0o755 : 0o644)
      case S_IFLNK:
        let target = archive_entry_symlink(entry).map { String(cString: $0) } ?? ""
        try ArchiveExtractor.checkSymlink(target, at: relative, entryName: name, archive: archive)
        links.append(relative)
      default:
        throw ArchiveExtractor.unsafe(
          name, archive,
          Self.describe(type) + "; kraft extracts only "
            + "files, folders and links")
      }
    }
    committedBytes += currentEntryBytes
    currentEntryBytes = 0
    if type == S_IFREG && hardlink == nil && archive_entry_size_is_set(entry) != 0 {
      try wrote(upTo: Int64(archive_entry_size(entry)))
    }
    return relative
  }

  /// A hard link's target must be a file already extracted, reached through no link.
  private func admitHardLink(_ entry: OpaquePointer, name: String, target: String) throws {
    let (targetTop, targetPath) = try ArchiveExtractor.strippedPath(target, archive: archive)
    guard targetTop == top, !targetPath.isEmpty,
      TreeLinks.linkedParent(of: targetPath, root: destination) == nil
    else {
      throw ArchiveExtractor.unsafe(name, archive, "hard link to '\(target)' outside the tree")
    }
    var info = stat()
    guard lstat(destination + "/" + targetPath, &info) == 0, info.st_mode & S_IFMT == S_IFREG
    else {
      throw ArchiveExtractor.unsafe(
        name, archive, "hard link to '\(target)', which is not a file extracted before it")
    }
    archive_entry_set_hardlink(entry, destination + "/" + targetPath)
    // libarchive applies a hard link entry's mode to the shared file: keep the target's.
    archive_entry_set_perm(entry, info.st_mode & 0o777)
  }

  /// Counts the current entry's bytes up to `end` (its size, or the end of a data block) and
  /// stops the extraction once the archive expands beyond its limits.
  mutating func wrote(upTo end: Int64) throws {
    currentEntryBytes = max(currentEntryBytes, end)
    if let problem = limits.problem(total: committedBytes + currentEntryBytes, archiveSize: archiveSize) {
      throw tooLarge(problem)
    }
  }

  /// Every link, followed on disk through any chain, must stay in the tree. Done once all
  /// entries are out, since a later entry can make an earlier link's path lead elsewhere.
  func checkLinksStayInside() throws {
    for link in links {
      if let reason = TreeLinks.escape(of: link, root: destination) {
        throw ArchiveExtractor.unsafe(
          (top.map { $0 + "/" } ?? "") + link, archive, "a link leaving the tree: \(reason)")
      }
    }
  }

  private func tooLarge(_ reason: String) -> FetchError {
    FetchError(
      .verificationFailed,
      "archive '\(archive)' is refused: \(reason); release archives of source code stay far "
        + "below this, so the file is damaged or hostile")
  }

  private static func describe(_ type: mode_t) -> String {
    switch type {
    case S_IFCHR: return "a character device"
    case S_IFBLK: return "a block device"
    case S_IFIFO: return "a FIFO"
    case S_IFSOCK: return "a socket"
    default: return "an entry of unknown type"
    }
  }
}
