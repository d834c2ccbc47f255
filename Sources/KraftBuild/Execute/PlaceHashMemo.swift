import Foundation
import KraftBasics

/// The content hashes of a folder's files, remembered between builds (`PrebuiltKey`): the
/// compiler's own headers alone are 16 MB that every warm build hashed again. Kept in
/// `prebuilt/places/` as a `PlaceRecordMemo`, so believed only while no file changed; when
/// one did, every file is hashed again.
struct PlaceHashMemo {
  var memo: PlaceRecordMemo

  init(directory: String) {
    memo = PlaceRecordMemo(header: "kraft place hashes 2", directory: directory)
  }

  /// `files` (relative to `place`) with their hashes, from the memo when it still describes
  /// them, else from `hash` (and the memo is written again).
  func hashes(
    of place: String, files: [String], hash: (String) throws -> String
  ) throws -> [(String, String)] {
    let records = memo.records(place: place, files: files)
    if let recalled = memo.recalled(place: place, files: files, records: records) {
      return Array(zip(files, recalled.values))
    }
    let digests = try files.map(hash)
    memo.remember(place: place, files: files, records: records, values: digests, lines: [])
    return Array(zip(files, digests))
  }
}
