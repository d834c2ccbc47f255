import CLibArchive
import Foundation

/// Unpacks a release archive (`.tar.gz`, `.tar.xz`, `.tar.bz2`, `.zip`; libarchive detects the
/// format from the bytes) into a folder, dropping the archive's single top folder as
/// `tar --strip-components=1` does. Entries that would land outside the folder are refused
/// before anything is written: `..` components, absolute paths, and links (symbolic or hard)
/// whose target leaves the tree.
public enum ArchiveExtractor {
  public static func extract(archive: String, into destination: String) throws {
    try FileManager.default.createDirectory(
      atPath: destination, withIntermediateDirectories: true)
    guard let reader = archive_read_new() else { throw failure(archive, "out of memory") }
    defer { archive_read_free(reader) }
    archive_read_support_filter_all(reader)
    archive_read_support_format_all(reader)
    guard archive_read_open_filename(reader, archive, 1 << 16) == ARCHIVE_OK else {
      throw failure(archive, errorText(reader))
    }
    guard let writer = archive_write_disk_new() else { throw failure(archive, "out of memory") }
    defer { archive_write_free(writer) }
    // libarchive's own guards as a second line behind the checks below (not its
    // no-absolute-paths guard: the rewritten destination paths are absolute on purpose).
    let flags =
      ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_SECURE_NODOTDOT | ARCHIVE_EXTRACT_SECURE_SYMLINKS
    archive_write_disk_set_options(writer, flags)

    var entry: OpaquePointer?
    while true {
      let status = archive_read_next_header(reader, &entry)
      if status == ARCHIVE_EOF { break }
      guard status == ARCHIVE_OK || status == ARCHIVE_WARN, let entry else {
        throw failure(archive, errorText(reader))
      }
      let name = String(cString: archive_entry_pathname(entry))
      guard let relative = try strippedPath(name, archive: archive) else { continue }
      let isDirectory = archive_entry_filetype(entry) == S_IFDIR
      if relative.isEmpty {
        guard isDirectory else {
          throw failure(
            archive,
            "'\(name)' is outside the archive's top folder; kraft expects one top folder, as "
              + "release archives have")
        }
        continue
      }
      if let link = archive_entry_symlink(entry) {
        try checkSymlink(String(cString: link), at: relative, entryName: name, archive: archive)
      }
      if let hardlink = archive_entry_hardlink(entry) {
        let linkName = String(cString: hardlink)
        guard let target = try strippedPath(linkName, archive: archive), !target.isEmpty else {
          throw unsafe(name, archive, "hard link to '\(linkName)' outside the tree")
        }
        archive_entry_set_hardlink(entry, destination + "/" + target)
      }
      archive_entry_set_pathname(entry, destination + "/" + relative)
      archive_entry_unset_mtime(entry)
      guard archive_write_header(writer, entry) >= ARCHIVE_WARN else {
        throw failure(archive, "cannot write '\(relative)': " + errorText(writer))
      }
      try copyData(from: reader, to: writer, archive: archive)
      guard archive_write_finish_entry(writer) >= ARCHIVE_WARN else {
        throw failure(archive, "cannot write '\(relative)': " + errorText(writer))
      }
    }
  }

  /// The entry's path without its first component; nil for the pax/global headers libarchive
  /// reports as plain names. Throws for paths that try to escape.
  static func strippedPath(_ name: String, archive: String) throws -> String? {
    if name.hasPrefix("/") { throw unsafe(name, archive, "absolute path") }
    let parts = name.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }
    if parts.contains("..") { throw unsafe(name, archive, "'..' in the path") }
    return parts.dropFirst().joined(separator: "/")
  }

  /// A symbolic link may point anywhere inside the tree, never outside it or to an absolute
  /// path (which would read the build machine's files into the build).
  static func checkSymlink(_ target: String, at path: String, entryName: String, archive: String)
    throws
  {
    if target.hasPrefix("/") {
      throw unsafe(entryName, archive, "link to the absolute path '\(target)'")
    }
    var depth = path.split(separator: "/").count - 1
    for part in target.split(separator: "/", omittingEmptySubsequences: true) {
      if part == "." { continue }
      depth += part == ".." ? -1 : 1
      if depth < 0 { throw unsafe(entryName, archive, "link to '\(target)' outside the tree") }
    }
  }

  private static func copyData(from reader: OpaquePointer, to writer: OpaquePointer, archive: String)
    throws
  {
    var block: UnsafeRawPointer?
    var size = 0
    var offset: la_int64_t = 0
    while true {
      let status = archive_read_data_block(reader, &block, &size, &offset)
      if status == ARCHIVE_EOF { return }
      guard status >= ARCHIVE_WARN else { throw failure(archive, errorText(reader)) }
      guard archive_write_data_block(writer, block, size, offset) >= ARCHIVE_WARN else {
        throw failure(archive, errorText(writer))
      }
    }
  }

  private static func errorText(_ handle: OpaquePointer) -> String {
    archive_error_string(handle).map { String(cString: $0) } ?? "unknown libarchive error"
  }

  private static func failure(_ archive: String, _ reason: String) -> FetchError {
    FetchError(
      .fetchFailed,
      "cannot extract '\(archive)': \(reason); delete it and fetch again if it is damaged")
  }

  private static func unsafe(_ entry: String, _ archive: String, _ reason: String) -> FetchError {
    FetchError(
      .verificationFailed,
      "archive '\(archive)' has an unsafe entry '\(entry)' (\(reason)); refusing to extract it")
  }
}
