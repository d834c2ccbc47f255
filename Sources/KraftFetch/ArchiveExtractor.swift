import CLibArchive
import Foundation
import KraftBasics

/// Unpacks a release archive (tar, zip or 7z, plain or compressed with gzip, bzip2, xz, lzma,
/// lzip, zstd or compress; libarchive detects which from the bytes) into a folder, dropping
/// the archive's single top folder as `tar --strip-components=1` does.
///
/// kraft often runs as root and the cache is shared, so an archive is data, never a set of
/// instructions for the host. Refused before anything is written: `..` components, absolute
/// paths, several top folders, device nodes, FIFOs and sockets, hard links outside the tree
/// or through a link, entries below a symbolic link, and archives expanding beyond
/// `ArchiveLimits`. Modes are normalised as git does (0644, or 0755 when the owner may
/// execute; folders 0755), so no setuid, setgid, sticky or world-writable bit is installed.
/// Once everything is out, every symbolic link is followed on disk (through chains of links)
/// and the archive is refused if one leaves the tree.
public enum ArchiveExtractor {
  public static func extract(
    archive: String, into destination: String, limits: ArchiveLimits = .standard
  ) throws {
    // libarchive writes to disk by path itself; only the folder it writes into is made here.
    try LocalFileSystem().createDirectory(destination, exactly: 0o755)
    guard let reader = archive_read_new() else { throw failure(archive, "out of memory") }
    defer { archive_read_free(reader) }
    supportReleaseFormats(reader)
    guard archive_read_open_filename(reader, archive, 1 << 16) == ARCHIVE_OK else {
      throw unreadable(archive, reader)
    }
    guard let writer = archive_write_disk_new() else { throw failure(archive, "out of memory") }
    defer { archive_write_free(writer) }
    // libarchive's own guards as a second line behind the checks here (not its
    // no-absolute-paths guard: the rewritten destination paths are absolute on purpose).
    // No owner, ACL, extended attribute or file flag is restored: only the modes set below.
    let flags =
      ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_SECURE_NODOTDOT | ARCHIVE_EXTRACT_SECURE_SYMLINKS
    archive_write_disk_set_options(writer, flags)

    var state = ExtractionState(
      archive: archive, destination: destination, limits: limits,
      archiveSize: Self.fileSize(archive))
    var entry: OpaquePointer?
    while true {
      let status = archive_read_next_header(reader, &entry)
      if status == ARCHIVE_EOF { break }
      guard status == ARCHIVE_OK || status == ARCHIVE_WARN, let entry else {
        throw unreadable(archive, reader)
      }
      guard let relative = try state.admit(entry) else { continue }
      archive_entry_set_pathname(entry, destination + "/" + relative)
      archive_entry_unset_mtime(entry)
      guard archive_write_header(writer, entry) >= ARCHIVE_WARN else {
        throw failure(archive, "cannot write '\(relative)': " + errorText(writer))
      }
      try copyData(from: reader, to: writer, state: &state)
      guard archive_write_finish_entry(writer) >= ARCHIVE_WARN else {
        throw failure(archive, "cannot write '\(relative)': " + errorText(writer))
      }
    }
    try state.checkLinksStayInside()
  }

  /// Release archives only. Not `support_format_all`: formats such as mtree read plain text
  /// files and quote their lines in errors, which would print a secret file named as a source.
  /// Not `support_filter_all`: some filters run external programs.
  private static func supportReleaseFormats(_ reader: OpaquePointer) {
    archive_read_support_format_tar(reader)
    archive_read_support_format_zip(reader)
    archive_read_support_format_7zip(reader)
    archive_read_support_filter_gzip(reader)
    archive_read_support_filter_bzip2(reader)
    archive_read_support_filter_xz(reader)
    archive_read_support_filter_lzma(reader)
    archive_read_support_filter_lzip(reader)
    archive_read_support_filter_zstd(reader)
    archive_read_support_filter_compress(reader)
  }

  /// The entry's path without its first component. Throws for paths that try to escape.
  static func strippedPath(_ name: String, archive: String) throws -> (top: String, rest: String) {
    if name.hasPrefix("/") { throw unsafe(name, archive, "absolute path") }
    let parts = name.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }
    if parts.contains("..") { throw unsafe(name, archive, "'..' in the path") }
    return (parts.first.map(String.init) ?? "", parts.dropFirst().joined(separator: "/"))
  }

  /// A symbolic link's text may point anywhere inside the tree, never outside it or to an
  /// absolute path (which would read the build machine's files into the build). Chains are
  /// checked on disk once every entry is out.
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

  private static func copyData(
    from reader: OpaquePointer, to writer: OpaquePointer, state: inout ExtractionState
  ) throws {
    var block: UnsafeRawPointer?
    var size = 0
    var offset: la_int64_t = 0
    while true {
      let status = archive_read_data_block(reader, &block, &size, &offset)
      if status == ARCHIVE_EOF { return }
      guard status >= ARCHIVE_WARN else { throw unreadable(state.archive, reader) }
      try state.wrote(upTo: Int64(offset) + Int64(size))
      guard archive_write_data_block(writer, block, size, offset) >= ARCHIVE_WARN else {
        throw failure(state.archive, errorText(writer))
      }
    }
  }

  private static func fileSize(_ path: String) -> Int64 {
    var info = stat()
    return stat(path, &info) == 0 ? Int64(info.st_size) : 0
  }

  static func errorText(_ handle: OpaquePointer) -> String {
    archive_error_string(handle).map { String(cString: $0) } ?? "unknown libarchive error"
  }

  static func failure(_ archive: String, _ reason: String) -> FetchError {
    FetchError(
      .fetchFailed,
      "cannot extract '\(archive)': \(reason); delete it and fetch again if it is damaged")
  }

  /// A read error. libarchive's message for the bytes themselves is kept only when it is one
  /// of its own fixed sentences; the file may be anything (a secret named by mistake), and
  /// its content must never reach the terminal or a CI log.
  static func unreadable(_ archive: String, _ reader: OpaquePointer) -> FetchError {
    let text = errorText(reader)
    let safe = text.count <= 80 && text.allSatisfy { $0.isLetter || $0.isNumber || " ().,-".contains($0) }
    return failure(
      archive,
      "it is not a tar, zip or 7z archive kraft can read, or it is damaged"
        + (safe ? " (\(text))" : ""))
  }

  static func unsafe(_ entry: String, _ archive: String, _ reason: String) -> FetchError {
    FetchError(
      .verificationFailed,
      "archive '\(archive)' has an unsafe entry '\(entry)' (\(reason)); refusing to extract it")
  }
}
