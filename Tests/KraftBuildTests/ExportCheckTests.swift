import Foundation
import KraftModel
import Testing

@testable import KraftBuild

/// The export check reads the linker's cross-reference table: who defines each symbol, who
/// uses it.
@Suite struct ExportCheckTests {
  static let map = """
         VMA              LMA     Size Align Out     In      Symbol
      100000           100000     1000     1 .text
    Cross Reference Table

    Symbol                                            File
    vfs_lookup                                        /b/obj/vfs/vfs.c.o
                                                      /b/obj/posix-fd/fd.c.o
    vfs_secret                                        /b/obj/vfs/vfs.c.o
                                                      /b/obj/posix-fd/fd.c.o
                                                      /b/obj/posix-fd/path.c.o
                                                      /b/obj/vfs/tree.c.o
    a_very_long_symbol_name_that_fills_the_whole_column /b/obj/vfs/vfs.c.o
                                                      /b/obj/app/main.c.o
    memcpy                                            /b/obj/musl/memcpy.c.o
                                                      /b/obj/vfs/vfs.c.o
    """

  static let objects = [
    "/b/obj/vfs/vfs.c.o": "vfs", "/b/obj/vfs/tree.c.o": "vfs", "/b/obj/posix-fd/fd.c.o": "posix-fd",
    "/b/obj/posix-fd/path.c.o": "posix-fd", "/b/obj/app/main.c.o": "app",
    "/b/obj/musl/memcpy.c.o": "musl",
  ]

  @Test func readsTheCrossReferenceTable() {
    let entries = ExportCheck.crossReferences(Self.map)
    #expect(
      entries.map(\.symbol) == [
        "vfs_lookup", "vfs_secret", "a_very_long_symbol_name_that_fills_the_whole_column", "memcpy",
      ])
    #expect(entries[1].definedIn == "/b/obj/vfs/vfs.c.o")
    #expect(entries[1].usedIn.count == 3)
    #expect(entries[2].definedIn == "/b/obj/vfs/vfs.c.o")
  }

  @Test func aSymbolOutsideTheExportsIsReportedOncePerUsingLibrary() {
    let vfs = LibraryManifest(name: "vfs", directory: "/k/lib/vfs")
    var exporting = vfs
    exporting.exports = ["vfs_lookup", "a_very_*"]
    let musl = LibraryManifest(name: "musl", kind: .port, directory: "/p/musl")
    let found = ExportCheck.violations(
      map: Self.map, libraryOfObject: Self.objects, libraries: [exporting, musl])
    #expect(
      found == [
        ExportCheck.Violation(
          user: "posix-fd", definer: "vfs", symbol: "vfs_secret", manifest: "/k/lib/vfs/library.yaml")
      ])
    #expect(found[0].description.contains("add it to 'exports:' in /k/lib/vfs/library.yaml"))
    // Without `exports:` a library is open to all (musl here, and vfs without its list).
    #expect(
      ExportCheck.violations(map: Self.map, libraryOfObject: Self.objects, libraries: [vfs, musl])
        .isEmpty)
  }

  /// A real link: the application calls a function its library does not export.
  @Test func aBuildUsingAnUnexportedSymbolFailsAndLeavesNoImage() throws {
    let fixture = try HermeticHeaderTests.Fixture(
      port: "int zport_helper(void) { return 0; }\nint zport(void) { return zport_helper(); }\n",
      app: "int zport(void);\nint zport_helper(void);\nint main(void) { return zport() + zport_helper(); }\n",
      manifest: "name: zport\nexports: [zport]\nsources: [z.c]\n")
    let error = try #require(throws: BuildFailure.self) { try fixture.build() }
    #expect(
      error.message.contains(
        "library 'app' uses 'zport_helper' of library 'zport', which 'zport' does not export: add it to 'exports:' in \(fixture.root)/Kernel/lib/zport/library.yaml"
      ))
    let image = fixture.root + "/app/.unikraft/build/fixture_qemu-x86_64"
    #expect(!FileManager.default.fileExists(atPath: image))
  }

  /// ld.lld 21 names the object ThinLTO makes from a bitcode input after the output and the
  /// input, beside the input (checked on a two-file link); the check attributes it to the
  /// library that compiled the input, so `lto: thin` libraries are checked too.
  @Test func thinLTOObjectsAreNamedBesideTheirBitcode() {
    #expect(
      ExportCheck.ltoObject(
        of: "/b/qemu-x86_64/obj/python3/Python/ceval.c.o", linking: "/b/app_qemu-x86_64.dbg")
        == "/b/qemu-x86_64/obj/python3/Python/app_qemu-x86_64.dbg.lto.ceval.c.o")
    #expect(ExportCheck.ltoObject(of: "a.o", linking: "out") == "out.lto.a.o")
  }
}
