import Foundation
import KraftFetch
import Testing

@Suite struct SourceCacheTests {
  @Test func theRootFollowsTheEnvironment() {
    #expect(SourceCache.defaultRoot(environment: ["KRAFT_CACHE_DIR": "/c", "HOME": "/h"]) == "/c")
    #expect(SourceCache.defaultRoot(environment: ["XDG_CACHE_HOME": "/x", "HOME": "/h"]) == "/x/kraft")
    #expect(SourceCache.defaultRoot(environment: ["HOME": "/h"]) == "/h/.cache/kraft")
  }

  @Test func leftoversOfKilledProcessesAreSweptAndLiveOnesKept() throws {
    let root = try TestScratch.make("sweep")
    let exited = Process()
    exited.executableURL = URL(fileURLWithPath: "/bin/true")
    try exited.run()
    exited.waitUntilExit()
    let dead = root + "/tmp/tree-\(exited.processIdentifier)-X"
    let live = root + "/tmp/tree-1-Y"  // pid 1 is always running
    for path in [dead, live] {
      try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    _ = try makeFetcher(cache: root)
    #expect(TestScratch.entries(root + "/tmp") == ["tree-1-Y"])
  }

  @Test func theTreeHashSeesContentExecutableBitsAndLinksButNotTimes() throws {
    func tree(_ change: (String) throws -> Void) throws -> String {
      let folder = try TestScratch.make("tree")
      try TestScratch.write("a\n", to: folder + "/a.txt")
      try TestScratch.write("b\n", to: folder + "/sub/b.sh")
      try FileManager.default.createSymbolicLink(
        atPath: folder + "/link", withDestinationPath: "a.txt")
      try change(folder)
      return try TreeHash.compute(directory: folder)
    }
    let base = try tree { _ in }
    #expect(base.hasPrefix("sha256:") && base.count == 71)
    #expect(try tree { _ in } == base)
    #expect(try tree { utime($0 + "/a.txt", nil) } == base)
    #expect(try tree { chmod($0 + "/sub/b.sh", 0o755) } != base)
    #expect(try tree { try TestScratch.write("A\n", to: $0 + "/a.txt") } != base)
    #expect(
      try tree {
        try FileManager.default.removeItem(atPath: $0 + "/link")
        try FileManager.default.createSymbolicLink(atPath: $0 + "/link", withDestinationPath: "sub")
      } != base)
    #expect(
      try tree {
        try FileManager.default.createDirectory(atPath: $0 + "/empty", withIntermediateDirectories: false)
      }
        == base)
  }
}
