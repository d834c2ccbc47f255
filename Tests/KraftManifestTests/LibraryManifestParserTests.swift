import KraftManifest
import KraftModel
import Testing

@Suite struct LibraryManifestParserTests {
  @Test func readsTheDocumentedExample() throws {
    let text = """
      name: alloc-buddy
      description: Binary buddy page allocator.
      architectures: [x86_64]
      platforms: [qemu, fc]
      requires: [kcore]
      provides: [allocator]
      default-for: [allocator]
      implies: [nic]
      sources:
        - buddy.c
        - path: buddy_debug.c
          if: CONFIG_ALLOC_BUDDY_DEBUG
        - path: entry64.S
          architectures: [x86_64]
      includes: [include]
      cflags: [-fno-builtin]
      options:
        CONFIG_ALLOC_BUDDY_MAX_ORDER:
          type: int
          default: 18
          range: [10, 30]
        CONFIG_ALLOC_BUDDY_DEBUG:
          type: bool
          default: n
          depends-on: [CONFIG_KCORE_ASSERT]
        CONFIG_CONSOLE_LEVEL:
          type: choice
          choices: [crit, error, warn, info, debug]
          default: info
      """
    let manifest = try LibraryManifestParser().parse(
      text, file: "library.yaml", directory: "/k/lib/alloc-buddy")
    #expect(manifest.name == "alloc-buddy")
    #expect(manifest.kind == .library)
    #expect(manifest.platforms == [.qemu, .firecracker])
    #expect(manifest.enableOption == "CONFIG_LIBALLOC_BUDDY")
    #expect(manifest.implies == ["nic"])
    #expect(manifest.sources.map(\.path) == ["buddy.c", "buddy_debug.c", "entry64.S"])
    #expect(manifest.sources[1].conditions == [OptionCondition(option: "CONFIG_ALLOC_BUDDY_DEBUG")])
    #expect(manifest.sources[2].architectures == [.x86_64])
    #expect(manifest.sourceRoot == "/k/lib/alloc-buddy")
    #expect(
      manifest.options.map(\.name) == [
        "CONFIG_ALLOC_BUDDY_MAX_ORDER", "CONFIG_ALLOC_BUDDY_DEBUG", "CONFIG_CONSOLE_LEVEL",
      ])
    #expect(manifest.options[0].defaultValue == .int(18))
    #expect(manifest.options[0].range == 10...30)
    #expect(manifest.options[1].defaultValue == .bool(false))
    #expect(manifest.options[1].dependsOn == ["CONFIG_KCORE_ASSERT"])
    #expect(manifest.options[2].defaultValue == .choice("info"))
    #expect(manifest.options.allSatisfy { $0.library == "alloc-buddy" })
  }

  @Test func unknownKeysAreErrorsAtTheirLineWithSuggestions() {
    let text = """
      name: x
      sorces: [a.c]
      """
    do {
      _ = try LibraryManifestParser().parse(text, file: "library.yaml", directory: "/x")
      Issue.record("expected an error")
    } catch let diagnostics as Diagnostics {
      #expect(diagnostics.items.first?.location?.line == 2)
      #expect(diagnostics.items.first?.message.contains("did you mean 'sources'?") == true)
    } catch {
      Issue.record("unexpected \(error)")
    }
  }

  @Test func badDefaultIsReportedAtIt() {
    let text = """
      name: x
      options:
        CONFIG_X_ORDER:
          type: int
          default: 40
          range: [1, 30]
      """
    do {
      _ = try LibraryManifestParser().parse(text, file: "library.yaml", directory: "/x")
      Issue.record("expected an error")
    } catch let diagnostics as Diagnostics {
      #expect(diagnostics.items.first?.location?.line == 5)
      #expect(
        diagnostics.items.first?.message == "bad default: 'CONFIG_X_ORDER' must be between 1 and 30, not 40")
    } catch {
      Issue.record("unexpected \(error)")
    }
  }

  @Test func exportsAreSymbolNamesOrGlobs() throws {
    let listed = try LibraryManifestParser().parse(
      "name: x\nexports: [x_open, x_read_*]\n", file: "library.yaml", directory: "/x")
    #expect(listed.exports == ["x_open", "x_read_*"])
    let open = try LibraryManifestParser().parse("name: x\n", file: "library.yaml", directory: "/x")
    #expect(open.exports == nil)
    do {
      _ = try LibraryManifestParser().parse(
        "name: x\nexports:\n  - x_open\n  - x-read\n", file: "library.yaml", directory: "/x")
      Issue.record("expected an error")
    } catch let diagnostics as Diagnostics {
      #expect(diagnostics.items.first?.location?.line == 4)
      #expect(diagnostics.items.first?.message.contains("not 'x-read'") == true)
    }
  }

  @Test func aListOfConditionsMustAllHold() throws {
    let manifest = try LibraryManifestParser().parse(
      "name: x\nsources:\n  - {path: a.c, if: [CONFIG_A, '!CONFIG_B']}\n", file: "library.yaml",
      directory: "/x")
    #expect(
      manifest.sources[0].conditions == [
        OptionCondition(option: "CONFIG_A"), OptionCondition(option: "CONFIG_B", negated: true),
      ])
    do {
      _ = try LibraryManifestParser().parse(
        "name: x\nsources:\n  - path: a.c\n    if: [CONFIG_A, not an option]\n",
        file: "library.yaml", directory: "/x")
      Issue.record("expected an error")
    } catch let diagnostics as Diagnostics {
      #expect(diagnostics.items.first?.location?.line == 4)
      #expect(diagnostics.items.first?.message.contains("not 'not an option'") == true)
    }
  }

  @Test func portKeysAreAcceptedForPorts() throws {
    let text = """
      name: musl
      upstream: {default: 1.2.3}
      sources:
        - src/string/*.c
        - path: glue/syscall.c
          from: port
      """
    let port = try LibraryManifestParser(extraKeys: ["upstream"]).parse(
      text, file: "port.yaml", directory: "/p/musl")
    #expect(port.kind == .port)
    #expect(port.sources[1].base == .manifest)
  }

  @Test func imageFormatChoosesPerTarget() throws {
    let text = """
      name: plat-qemu
      kind: platform
      image-format:
        - format: binary
          architectures: [arm64]
      """
    let manifest = try LibraryManifestParser().parse(text, file: "library.yaml", directory: "/x")
    let arm = Target(platform: .qemu, architecture: .arm64)
    let x86 = Target(platform: .qemu, architecture: .x86_64)
    #expect(ImageFormatRule.format(for: arm, rules: manifest.imageFormats) == .binary)
    #expect(ImageFormatRule.format(for: x86, rules: manifest.imageFormats) == .elf)
  }

  @Test func unknownImageFormatIsAnError() {
    let text = """
      name: plat-qemu
      image-format:
        - format: uimage
      """
    #expect(throws: Diagnostics.self) {
      _ = try LibraryManifestParser().parse(text, file: "library.yaml", directory: "/x")
    }
  }
}
