import KraftBuild
import Testing

/// The one rule for where objects go (`<folder>/obj/<library>/...`) and which of a port's
/// sources are glue, read back the way the prebuilt store, the link and the size report do.
@Suite struct ObjectLayoutTests {
  @Test func anObjectIsFoundBelowItsFolderAndLibrary() {
    let object = ObjectLayout.object(in: "/o/qemu-x86_64", library: "musl", relative: "src/a.c")
    #expect(object == "/o/qemu-x86_64/obj/musl/src/a.c.o")
    #expect(ObjectLayout.folder(of: object, library: "musl", outputDirectory: "/o") == "/o/qemu-x86_64")
    #expect(ObjectLayout.library(ofObject: object) == "musl")
    let shared = ObjectLayout.object(in: "/o/fc+qemu-x86_64", library: "kcore", relative: "x.c")
    #expect(ObjectLayout.folder(of: shared, library: "kcore", outputDirectory: "/o") == "/o/fc+qemu-x86_64")
  }

  @Test func objectsPlacedOtherwiseAreNotClaimed() {
    #expect(
      ObjectLayout.folder(of: "/elsewhere/t/obj/musl/a.o", library: "musl", outputDirectory: "/o") == nil)
    #expect(ObjectLayout.folder(of: "/o/t/obj/kcore/a.o", library: "musl", outputDirectory: "/o") == nil)
    #expect(ObjectLayout.folder(of: "/o/a.o", library: "musl", outputDirectory: "/o") == nil)
    #expect(ObjectLayout.library(ofObject: "<internal>") == nil)
  }

  @Test func glueIsTheRecipeFolderOutsideTheTree() {
    #expect(ObjectLayout.isGlue(source: "/ports/musl/glue/a.c", recipe: "/ports/musl", tree: "/cache/musl"))
    #expect(!ObjectLayout.isGlue(source: "/cache/musl/src/a.c", recipe: "/ports/musl", tree: "/cache/musl"))
    // A local port's tree inside its recipe folder is upstream.
    #expect(!ObjectLayout.isGlue(source: "/ports/x/src/a.c", recipe: "/ports/x", tree: "/ports/x/src"))
  }
}
