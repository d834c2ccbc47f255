import Foundation
import KraftBasics
import KraftModel
import Synchronization
import Testing

@testable import KraftBuild

/// Which option names a file mentions (`OptionMentions`): outside comments and literals, and
/// every option when it pastes one together.
@Suite struct OptionMentionsTests {
  static func names(_ text: String) -> Set<String> { OptionMentions.names(in: Data(text.utf8)) }

  @Test func codeMentionsCountAndCommentsAndLiteralsDoNot() {
    let text = """
      /* CONFIG_IN_BLOCK */ // CONFIG_IN_LINE
      #if CONFIG_A && defined(CONFIG_B)
      const char *s = "CONFIG_IN_STRING \\" CONFIG_STILL_STRING";
      char c = '"'; int x = CONFIG_C;
      #endif
      """
    #expect(Self.names(text) == ["CONFIG_A", "CONFIG_B", "CONFIG_C"])
  }

  @Test func whatTheScanCannotFollowCountsAsCode() {
    // An unclosed quote ends at its line; a digit separator opens no literal; an unclosed
    // comment hides nothing before it.
    #expect(Self.names("x = \"open\nCONFIG_A\n") == ["CONFIG_A"])
    #expect(Self.names("int n = 1'000; int m = CONFIG_B; char q = 'x';\n") == ["CONFIG_B"])
    #expect(Self.names("CONFIG_C /* never closed\n") == ["CONFIG_C"])
    #expect(Self.names("u8'x' CONFIG_D L'\\'' CONFIG_E\n") == ["CONFIG_D", "CONFIG_E"])
  }

  @Test func pastingOntoAnOptionNameCountsAsEveryOption() {
    #expect(Self.names("#define ON(x) CONFIG_ ## x\n").contains(OptionMentions.everyOption))
    #expect(Self.names("#define ON(x) CONFIG##_##x\n").contains(OptionMentions.everyOption))
    #expect(Self.names("#define ON(x) x ## CONFIG_Y\n").contains(OptionMentions.everyOption))
    #expect(!Self.names("#define ON(x) x ## y CONFIG_Y\n").contains(OptionMentions.everyOption))
  }

  @Test func aFileThatNeverSaysConfigMentionsNothing() {
    #expect(Self.names("int main(void) { return 0; }\n").isEmpty)
    #expect(Self.names("CONFIGURE_X = 1\n").isEmpty)
  }
}

/// Ports' and kernel libraries' compiles get only the option flags their files can read
/// (`PortOptionFlags`), so their commands do not change with options they never read; the
/// application keeps every flag.
@Suite struct PortOptionFlagsTests {
  static let toolchain = SharedObjectsPlanTests.toolchain

  static let catalog: [LibraryManifest] = [
    LibraryManifest(
      name: "arch-x86_64", kind: .arch, architectures: [.x86_64], sources: [LibraryFile("entry.S")],
      directory: "/k/arch-x86_64"),
    LibraryManifest(
      name: "plat-qemu", kind: .platform, platforms: [.qemu], requires: ["kcore"],
      sources: [LibraryFile("qemu.c")], linkerScripts: [LibraryFile("link.lds")], directory: "/k/plat-qemu"),
    LibraryManifest(
      name: "kcore", sources: [LibraryFile("core.c")], includes: [LibraryFile("include")],
      directory: "/k/kcore"),
    LibraryManifest(
      name: "tiny", kind: .port, requires: ["kcore"],
      sources: [LibraryFile("src/a.c"), LibraryFile("glue.c", base: .manifest)],
      includes: [LibraryFile("include")], directory: "/ports/tiny"),
  ]

  static let tree = "/cache/prepared/0123"

  static let files: [String: String] = [
    "/k/arch-x86_64/entry.S": "", "/k/plat-qemu/qemu.c": "", "/k/plat-qemu/link.lds": "",
    "/k/kcore/core.c": "int core;\n",
    // Names the platform's option only in a comment.
    "/k/kcore/include/kcore.h": "/* set by CONFIG_LIBPLAT_QEMU */\n",
    tree + "/src/a.c": "#include \"../lib/b.h\"\nint a;\n",
    tree + "/include/tiny.h": "int tiny(void);\n",
    // Reached only by a relative include climbing out of the source's folder.
    tree + "/lib/b.h": "#if CONFIG_LIBKCORE\n#endif\n",
    "/ports/tiny/glue.c": "int glue;\n",
    // Glue reads the platform's option; upstream files cannot see it.
    "/ports/tiny/glue/plat.h": "#ifdef CONFIG_LIBPLAT_QEMU\n#endif\n",
    "/p/main.c": "int main(void) { return 0; }\n",
  ]

  static let target = Target(platform: .qemu, architecture: .x86_64)

  static func plan(
    files extra: [String: String] = [:], memo: TreeMentionMemo? = nil, catalog: [LibraryManifest] = catalog
  ) throws -> TargetBuildPlan {
    let fileSystem = InMemoryFileSystem(files: files.merging(extra) { $1 })
    let kraftfile = Kraftfile(
      name: "demo", directory: "/p", libraries: [Component(name: "tiny")], targets: [target])
    let request = BuildRequest(
      kraftfile: kraftfile, projectName: "demo", outputDirectory: "/p/.unikraft/build",
      targets: [target], catalog: catalog, sourceRoots: ["tiny": tree])
    let planner = BuildPlanner(fileSystem: fileSystem, toolchains: { _ in toolchain }, mentionMemo: memo)
    return try planner.plan(request).targets[0]
  }

  static func options(_ step: CompileStep?) -> Set<String> {
    Set((step?.command ?? []).filter { $0.hasPrefix("-DCONFIG_") })
  }

  @Test func aPortAndAKernelLibraryKeepOnlyTheOptionsTheirFilesMentionAndTheAppKeepsEvery() throws {
    let plan = try Self.plan(files: ["/k/plat-qemu/qemu.c": "#ifdef CONFIG_LIBPLAT_QEMU\n#endif\n"])
    let port = plan.compiles.first { $0.source == Self.tree + "/src/a.c" }
    let glue = plan.compiles.first { $0.source == "/ports/tiny/glue.c" }
    let kernel = plan.compiles.first { $0.library == "kcore" }
    let platform = plan.compiles.first { $0.library == "plat-qemu" }
    let app = plan.compiles.first { $0.source == "/p/main.c" }
    // The option the tree's code reads stays (through a header no -I names); the one the
    // kernel's header names only in a comment goes, as does every other.
    #expect(Self.options(port) == ["-DCONFIG_LIBKCORE=1"])
    // It also sees the tree's include folder, which counts as the whole tree.
    #expect(Self.options(glue) == ["-DCONFIG_LIBKCORE=1", "-DCONFIG_LIBPLAT_QEMU=1"])
    // Kernel libraries see every library's include folders (the port's tree among them) and
    // their own folder, where the platform's source reads its option.
    #expect(Self.options(kernel) == ["-DCONFIG_LIBKCORE=1"])
    #expect(Self.options(platform) == ["-DCONFIG_LIBKCORE=1", "-DCONFIG_LIBPLAT_QEMU=1"])
    let every = Self.options(app)
    #expect(every.contains("-DCONFIG_LIBPLAT_QEMU=1") && every.contains("-DCONFIG_LIBTINY=1"))
  }

  @Test func aPortThatPastesOptionNamesKeepsEveryFlag() throws {
    let plan = try Self.plan(files: [Self.tree + "/lib/on.h": "#define ON(x) CONFIG_ ## x\n"])
    let port = plan.compiles.first { $0.source == Self.tree + "/src/a.c" }
    #expect(Self.options(port) == Self.options(plan.compiles.first { $0.source == "/p/main.c" }))
  }

  @Test func aPortThatCanSeeTheOutputFolderKeepsEveryFlag() throws {
    // config.h is there, and the output folder is never scanned.
    var catalog = Self.catalog
    catalog[3].includes.append(LibraryFile("/p/.unikraft/build/generated"))
    let plan = try Self.plan(catalog: catalog)
    let port = plan.compiles.first { $0.source == Self.tree + "/src/a.c" }
    #expect(Self.options(port) == Self.options(plan.compiles.first { $0.source == "/p/main.c" }))
  }

  @Test func aTreesNamesComeFromTheMemoWhenItHasThemAndAreRememberedWhenNot() throws {
    let memo = FakeMemo()
    _ = try Self.plan(memo: memo)
    #expect(memo.remembered.withLock { $0 } == [Self.tree: ["CONFIG_LIBKCORE"]])
    // A memo that answers is believed: the tree is not read.
    memo.answer.withLock { $0 = ["CONFIG_LIBTINY"] }
    let plan = try Self.plan(memo: memo)
    let port = plan.compiles.first { $0.source == Self.tree + "/src/a.c" }
    #expect(Self.options(port) == ["-DCONFIG_LIBTINY=1"])
  }

  @Test func aMemoFileAnswersOnlyForTheIdentityItWasWrittenFor() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "kraft-mentions-\(UUID().uuidString)"
    ).path
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let first = TreeMentionFiles(directory: folder, identities: ["/t": "tree a"])
    first.remember(["CONFIG_X", OptionMentions.everyOption], tree: "/t")
    #expect(first.recalled(tree: "/t") == ["CONFIG_X", OptionMentions.everyOption])
    #expect(first.recalled(tree: "/other") == nil)
    #expect(TreeMentionFiles(directory: folder, identities: ["/t": "tree b"]).recalled(tree: "/t") == nil)
    // A tree without an identity is never remembered.
    TreeMentionFiles(directory: folder, identities: [:]).remember(["CONFIG_Y"], tree: "/u")
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder).count == 1)
  }
}

extension PortOptionFlagsTests {
  /// A place outside every tree (the kernel's folders, the compiler's headers) is remembered
  /// with its files' `lstat` records, and believed only while they are the same.
  @Test func aPlacesNamesAreRecalledOnlyWhileItsFilesAreUnchanged() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "kraft-place-mentions-\(UUID().uuidString)"
    ).path
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let place = folder + "/include"
    try FileManager.default.createDirectory(atPath: place, withIntermediateDirectories: true)
    try "#if CONFIG_A\n#endif\n".write(toFile: place + "/a.h", atomically: true, encoding: .utf8)
    let files = [place + "/a.h"]

    // Just written: its change time is now, so it is not remembered yet.
    let justNow = PlaceMentionFiles(directory: folder + "/mentions/places")
    let first = justNow.recall(place: place, files: files)
    #expect(first.names == nil)
    first.remember(["CONFIG_A"])
    #expect(justNow.recall(place: place, files: files).names == nil)

    // Later it is, and the memo answers while the file stays the same.
    var memo = PlaceMentionFiles(directory: folder + "/mentions/places")
    memo.memo.now = { Int(Date().timeIntervalSince1970) + 10 }
    memo.recall(place: place, files: files).remember(["CONFIG_A", OptionMentions.everyOption])
    #expect(memo.recall(place: place, files: files).names == ["CONFIG_A", OptionMentions.everyOption])
    // Another file list (an addition): not believed.
    #expect(memo.recall(place: place, files: files + [place + "/b.h"]).names == nil)
    // An edit changes the record: not believed. (Each edit changes the size too: two writes
    // within one tick of the file system's clock leave the same times.)
    try "#if CONFIG_BB\n#endif\n".write(toFile: place + "/a.h", atomically: false, encoding: .utf8)
    #expect(memo.recall(place: place, files: files).names == nil)
    // A file changed while it was read (after its record was taken) is not remembered as it
    // was: the memo holds the record from before, which no longer matches.
    let pending = memo.recall(place: place, files: files)
    try "#if CONFIG_CCC\n#endif\n".write(toFile: place + "/a.h", atomically: false, encoding: .utf8)
    pending.remember(["CONFIG_B"])
    #expect(memo.recall(place: place, files: files).names == nil)
  }
}

private final class FakeMemo: TreeMentionMemo {
  let answer = Mutex<Set<String>?>(nil)
  let remembered = Mutex<[String: Set<String>]>([:])

  func recalled(tree: String) -> Set<String>? { answer.withLock { $0 } }
  func remember(_ names: Set<String>, tree: String) { remembered.withLock { $0[tree] = names } }
}
