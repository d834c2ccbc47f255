import KraftBasics
import Testing

@testable import KraftBuild

/// Exported include folders come in one order whatever order the libraries were resolved in,
/// unless the order can decide which header a compile gets (`IncludeOrder`).
@Suite struct IncludeOrderTests {
  static let files = [
    "/k/lib/vfs/include/kraft/vfs.h": "", "/k/lib/socket/include/kraft/socket.h": "",
    "/k/include/kraft/types.h": "",
  ]

  @Test func foldersWithoutACommonFileAreSortedAndRepeatsDropped() throws {
    let order = IncludeOrder(fileSystem: InMemoryFileSystem(files: Self.files))
    let sorted = ["/k/include", "/k/lib/socket/include", "/k/lib/vfs/include"]
    #expect(try order.canonical(["/k/include", "/k/lib/vfs/include", "/k/lib/socket/include"]) == sorted)
    #expect(
      try order.canonical(["/k/lib/vfs/include", "/k/lib/socket/include", "/k/include", "/k/include"])
        == sorted)
  }

  @Test func foldersHoldingTheSameHeaderKeepTheirOrder() throws {
    // Which `kraft/vfs.h` a compile sees depends on the order: it stays as it came.
    var files = Self.files
    files["/ports/shim/include/kraft/vfs.h"] = ""
    let order = IncludeOrder(fileSystem: InMemoryFileSystem(files: files))
    let given = ["/k/lib/vfs/include", "/ports/shim/include", "/k/include"]
    #expect(try order.canonical(given) == given)
  }
}
