/// Where fetches report how far they got (git objects, bytes). The commands layer passes a
/// terminal reporter on a TTY and nothing otherwise; fetch code never prints.
public protocol FetchProgress: AnyObject, Sendable {
  /// `objects` is (received, total) for git; `totalBytes` is nil when unknown.
  func report(_ source: String, objects: (Int, Int)?, bytes: Int64, totalBytes: Int64?)
  /// One line of news (`fetching 'musl' 1.2.3 from ...`).
  func note(_ message: String)
}
