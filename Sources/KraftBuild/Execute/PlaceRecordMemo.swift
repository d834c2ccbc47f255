import Foundation
import KraftBasics

/// What a build worked out from a folder's files (their hashes, the option names they
/// mention), remembered between builds and believed only while every file's `FileRecord` is
/// the one it was worked out from, as the fetch layer's `VerifiedStamp` is for source trees:
/// an edit, a replaced file, an addition or a deletion changes the list or a record. One file
/// per place below `directory` (in kraft's cache, which kraft refuses when others may write
/// it; a `MemoFolder`, so named by the place's SHA-256):
///
///     <header>
///     <place>
///     <number of files>
///     <file>\t<record>\t<value>      one line per file, in the order given
///     <line about the whole place>   any number
///
/// A memo that cannot be read or written costs the next build the work, nothing else.
struct PlaceRecordMemo: Sendable {
  /// The memo's first line: what it holds and in which format.
  var header: String
  var directory: String
  /// The clock, in seconds (tests move it on instead of waiting).
  var now: @Sendable () -> Int = { Int(Date().timeIntervalSince1970) }

  /// Each file's record, taken before the files are read: one changed while it was being
  /// read then does not match what `remember` writes, and the memo is not believed.
  func records(place: String, files: [String]) -> [String?] {
    files.map { FileRecord.following(Self.full($0, in: place)) }
  }

  /// What was remembered for `place` with exactly these `files` (paths relative to it, or
  /// absolute) and `records`: a value per file and the lines about the place.
  func recalled(place: String, files: [String], records: [String?]) -> (values: [String], lines: [String])? {
    guard let text = MemoFolder(directory: directory).read(place) else { return nil }
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    guard lines.count >= files.count + 4, lines[0] == header, lines[1] == place,
      lines[2] == String(files.count), lines.last == ""
    else { return nil }
    var values: [String] = []
    for (index, file) in files.enumerated() {
      let fields = lines[index + 3].split(separator: "\t", omittingEmptySubsequences: false)
      guard fields.count == 3, fields[0] == file, let record = records[index], fields[1] == record
      else { return nil }
      values.append(String(fields[2]))
    }
    return (values, lines[(files.count + 3)...].dropLast().map(String.init))
  }

  /// Remembers `values` (one per file) and `lines` for `place` with the `records` taken before
  /// the work, unless one is missing or a file changed in the last two seconds (it could
  /// change again within one tick of the file system's clock, unseen by its record).
  func remember(place: String, files: [String], records: [String?], values: [String], lines: [String]) {
    let recent = now() - 2
    var text = header + "\n" + place + "\n" + String(files.count) + "\n"
    for (index, file) in files.enumerated() {
      guard let record = records[index], let changed = FileRecord.changeTime(record: record),
        changed < recent
      else { return }
      text += file + "\t" + record + "\t" + values[index] + "\n"
    }
    text += lines.map { $0 + "\n" }.joined()
    MemoFolder(directory: directory).write(text, for: place)
  }

  private static func full(_ file: String, in place: String) -> String {
    file.hasPrefix("/") ? file : place + "/" + file
  }
}
