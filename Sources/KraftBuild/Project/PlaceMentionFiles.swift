import Foundation
import KraftBasics

/// `PlaceMentionMemo` in kraft's cache (`$KRAFT_CACHE_DIR/mentions/places/`): the option names
/// of a place outside every port tree (the kernel's folders, the compiler's 16 MB of headers,
/// which were read on every build), kept as a `PlaceRecordMemo` with every file's record and
/// believed only while each record is the same.
public struct PlaceMentionFiles: PlaceMentionMemo {
  var memo: PlaceRecordMemo

  public init(directory: String) {
    memo = PlaceRecordMemo(header: "kraft place mentions 2", directory: directory)
  }

  public func recall(place: String, files: [String]) -> (
    names: Set<String>?, remember: (Set<String>) -> Void
  ) {
    let records = memo.records(place: place, files: files)
    if let recalled = memo.recalled(place: place, files: files, records: records) {
      return (Set(recalled.lines.map(TreeMentionFiles.name)), { _ in })
    }
    return (
      nil,
      { [memo] names in
        memo.remember(
          place: place, files: files, records: records, values: files.map { _ in "" },
          lines: names.map(TreeMentionFiles.line).sorted())
      }
    )
  }
}
