import Foundation
import KraftBasics
import KraftBuild
import KraftModel
import Testing

/// Real builds (clang, ld.lld, ninja) of a tiny fixture kernel: no compilation sees a host
/// header, and a library that includes a libc header without requiring a libc is told to.
@Suite(.serialized) struct HermeticHeaderTests {
  final class Fixture {
    let root: String
    let fileSystem = LocalFileSystem()

    /// `manifest`: zport's library.yaml; `extra`: more files (relative to the root).
    init(
      port: String, app: String, manifest: String = "name: zport\nsources: [z.c]\n",
      extra: [String: String] = [:]
    ) throws {
      root =
        FileManager.default.temporaryDirectory.appendingPathComponent("kraft-hermetic-\(UUID().uuidString)")
        .path
      let files: [String: String] = [
        "Kernel/include/kraft/abi.h": "#define KRAFT_ABI_VERSION 1\n",
        "Kernel/arch/x86_64/library.yaml": """
        name: arch-x86_64
        kind: arch
        architectures: [x86_64]
        sources: [start.c]
        """,
        // The compiler's builtin headers stay available: stdint.h and stddef.h.
        "Kernel/arch/x86_64/start.c":
          "#include <stdint.h>\n#include <stddef.h>\nextern int main(void);\nvoid _start(void) { main(); for (;;) {} }\n",
        "Kernel/plat/qemu/library.yaml": """
        name: plat-qemu
        kind: platform
        platforms: [qemu]
        linker-scripts: [link.lds]
        """,
        "Kernel/plat/qemu/link.lds":
          "ENTRY(_start)\nSECTIONS { . = 0x100000; .text : { *(.text*) } .data : { *(.data*) *(.bss*) } }\n",
        "Kernel/lib/zport/library.yaml": manifest,
        "Kernel/lib/zport/z.c": port,
        "app/main.c": app,
      ]
      for (path, text) in files.merging(extra, uniquingKeysWith: { $1 }) {
        try fileSystem.writeText(text, to: root + "/" + path)
      }
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    func build() throws {
      let target = Target(platform: .qemu, architecture: .x86_64)
      let kraftfile = Kraftfile(
        name: "fixture", directory: root + "/app", libraries: [Component(name: "zport")],
        targets: [target])
      let tree = try KernelTree.locate(
        kraftfile: kraftfile, environment: [:], executable: "", fileSystem: fileSystem)
      let catalog = try LibraryCatalog.load(kernel: tree, fileSystem: fileSystem)
      let request = BuildRequest(
        kraftfile: kraftfile, projectName: "fixture", outputDirectory: root + "/app/.unikraft/build",
        targets: [target], catalog: catalog.libraries, commonIncludes: tree.commonIncludes)
      let plan = try BuildPlanner(
        fileSystem: fileSystem, toolchains: { try ToolchainDetector().detect(preferred: nil, for: $0) }
      ).plan(request)
      _ = try BuildExecutor(fileSystem: fileSystem, runner: SystemProcessRunner())
        .execute(plan, progress: ProgressDisplay(output: TextBuffer()))
    }
  }

  static let main = "int zport(void);\nint main(void) { return zport(); }\n"

  @Test func builtinHeadersAreEnoughForFreestandingCode() throws {
    try Fixture(port: "#include <stdint.h>\nint zport(void) { return (int)INT8_MAX; }\n", app: Self.main)
      .build()
  }

  @Test func aLibraryIncludingStdioWithoutALibcIsToldToRequireOne() throws {
    let fixture = try Fixture(port: "#include <stdio.h>\nint zport(void) { return 0; }\n", app: Self.main)
    let error = try #require(throws: BuildFailure.self) { try fixture.build() }
    #expect(
      error.message.contains("compiling '\(fixture.root)/Kernel/lib/zport/z.c' (library 'zport') failed"))
    #expect(error.message.contains("'stdio.h' file not found"))
    #expect(
      error.message.contains(
        "library 'zport' includes <stdio.h> but its library.yaml does not require a C library: add `requires: [libc]` to '\(fixture.root)/Kernel/lib/zport/library.yaml'"
      ))
  }

  /// A library that does require a libc, in an image whose libc lacks the header: the hint
  /// names that libc and the full one.
  @Test func aHeaderTheImagesLibcLacksSuggestsMusl() throws {
    let fixture = try Fixture(
      port: "#include <pthread.h>\nint zport(void) { return 0; }\n", app: Self.main,
      manifest: "name: zport\nrequires: [libc]\nsources: [z.c]\n",
      extra: [
        "Kernel/lib/tinylibc/library.yaml": "name: tinylibc\nprovides: [libc]\nincludes: [include]\n",
        "Kernel/lib/tinylibc/include/stdio.h": "int puts(const char *);\n",
      ])
    let error = try #require(throws: BuildFailure.self) { try fixture.build() }
    #expect(
      error.message.contains(
        "the image's C library 'tinylibc' has no <pthread.h>; a full libc has it: add `musl` under `libraries:` in the Kraftfile"
      ))
  }

  /// The host's glibc headers exist on this machine (without `-nostdinc` clang found
  /// /usr/include/features.h and failed inside it on bits/wordsize.h); the app must not see one.
  @Test(
    .enabled(
      if: FileManager.default.fileExists(atPath: "/usr/include/features.h"),
      "needs the host's glibc headers, to show that they are not used"))
  func hostHeadersNeverLeakIntoTheApplication() throws {
    let fixture = try Fixture(
      port: "int zport(void) { return 0; }\n", app: "#include <features.h>\n" + Self.main)
    let error = try #require(throws: BuildFailure.self) { try fixture.build() }
    #expect(error.message.contains("main.c:1:10: fatal error: 'features.h' file not found"))
    #expect(!error.message.contains("requires: [libc]"))
  }
}
