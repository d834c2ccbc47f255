#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension StringProtocol {
  /// Where `needle`'s bytes first occur, compared byte for byte (paths and linker-map lines,
  /// where no Unicode equivalence is wanted), or nil. Foundation's `range(of:)` converts both
  /// strings to UTF-16 first and the standard library's generic `firstRange(of:)` is not
  /// specialised for them: each took a tenth of a warm build's time.
  public func byteRange(of needle: String) -> Range<Index>? {
    var needle = needle
    let offset: Int? = needle.withUTF8 { pattern in
      // The first byte by memchr, then the rest by memcmp (Glibc does not export memmem).
      let search = { (haystack: UnsafeBufferPointer<UInt8>) -> Int? in
        guard let first = pattern.first else { return 0 }
        guard let base = haystack.baseAddress else { return nil }
        var start = 0
        while start + pattern.count <= haystack.count {
          guard let hit = memchr(base + start, Int32(first), haystack.count - pattern.count + 1 - start)
          else { return nil }
          let at = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
          if memcmp(base + at, pattern.baseAddress!, pattern.count) == 0 { return at }
          start = at + 1
        }
        return nil
      }
      if let found = utf8.withContiguousStorageIfAvailable(search) { return found }
      return Array(utf8).withUnsafeBufferPointer(search)
    }
    guard let offset else { return nil }
    let lower = utf8.index(utf8.startIndex, offsetBy: offset)
    return lower..<utf8.index(lower, offsetBy: needle.utf8.count)
  }
}
