import KraftBasics
import KraftBuild
import KraftModel
import Testing

@Suite struct ExitStatusDecoderTests {
  @Test func x86StatusesFollowTheContract() {
    // The guest writes V = s + 1; QEMU exits with (V << 1) | 1.
    #expect(ExitStatusDecoder.decode(qemuStatus: 3, architecture: .x86_64).status == 0)
    #expect(ExitStatusDecoder.decode(qemuStatus: (4 << 1) | 1, architecture: .x86_64).status == 3)
    #expect(ExitStatusDecoder.decode(qemuStatus: (125 << 1) | 1, architecture: .x86_64).status == 124)
    #expect(ExitStatusDecoder.decode(qemuStatus: (126 << 1) | 1, architecture: .x86_64).status == 134)
    #expect(ExitStatusDecoder.decode(qemuStatus: (127 << 1) | 1, architecture: .x86_64).status == 139)
    #expect(ExitStatusDecoder.decode(qemuStatus: 0, architecture: .x86_64).status == 125)
    #expect(ExitStatusDecoder.decode(qemuStatus: 1, architecture: .x86_64).status == 125)
  }

  @Test func arm64AndFirecrackerUseVItself() {
    #expect(ExitStatusDecoder.decode(qemuStatus: 4, architecture: .arm64).status == 3)
    #expect(ExitStatusLine.value(of: Array("kraft: exit status 4".utf8)) == 4)
    #expect(ExitStatusLine.value(of: Array("hello".utf8)) == nil)
    #expect(ExitStatusLine.value(of: Array("say kraft: exit status 4".utf8)) == nil)
  }
}

@Suite struct VirtualMachineCommandTests {
  let locator = ExecutableLocator(searchPath: ["/bin"], isExecutable: { $0 == "/bin/qemu-system-x86_64" })

  @Test func qemuPlatformBootsOnPc() throws {
    let request = RunRequest(
      target: Target(platform: .qemu, architecture: .x86_64), image: "/img", memory: 32,
      appArguments: ["a b", "c"])
    let monitor = try VirtualMachineCommand(locator: locator).monitor(for: request, scratchDirectory: "/tmp")
    #expect(
      monitor.command.arguments == [
        "-M", "pc", "-nodefaults", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x01", "-display", "none",
        "-serial", "stdio", "-monitor", "none", "-nic", "none", "-no-reboot", "-m", "32", "-kernel",
        "/img", "-append", "-- \"a b\" c",
      ])
  }

  @Test func firecrackerFallsBackToMicrovm() throws {
    let request = RunRequest(target: Target(platform: .firecracker, architecture: .x86_64), image: "/img")
    let monitor = try VirtualMachineCommand(locator: locator).monitor(for: request, scratchDirectory: "/tmp")
    #expect(monitor.command.arguments.starts(with: ["-M", "microvm"]))
    #expect(!monitor.command.arguments.contains("-append"))
  }

  @Test func firecrackerIsPreferredWhenInstalled() throws {
    let both = ExecutableLocator(searchPath: ["/bin"], isExecutable: { _ in true })
    let request = RunRequest(target: Target(platform: .firecracker, architecture: .x86_64), image: "/img")
    guard
      case .firecracker(let command, let configuration, _) = try VirtualMachineCommand(locator: both)
        .monitor(for: request, scratchDirectory: "/s")
    else {
      Issue.record("expected firecracker")
      return
    }
    #expect(command.arguments == ["--no-api", "--config-file", "/s/firecracker.json"])
    #expect(configuration.contains("\"kernel_image_path\": \"/img\""))
  }

  @Test func firecrackerArm64NeedsFirecracker() {
    let everything = ExecutableLocator(
      searchPath: ["/bin"], isExecutable: { !$0.hasSuffix("/firecracker") })
    let request = RunRequest(target: Target(platform: .firecracker, architecture: .arm64), image: "/img")
    #expect(throws: RunFailure.self) {
      try VirtualMachineCommand(locator: everything).monitor(for: request, scratchDirectory: "/tmp")
    }
  }

  @Test func missingQemuNamesThePackage() {
    let none = ExecutableLocator(searchPath: ["/bin"], isExecutable: { _ in false })
    let request = RunRequest(target: Target(platform: .qemu, architecture: .x86_64), image: "/img")
    #expect(
      throws: MissingToolError(
        tool: "qemu-system-x86_64", package: "qemu-system-x86", purpose: "to boot qemu/x86_64 images")
    ) {
      try VirtualMachineCommand(locator: none).monitor(for: request, scratchDirectory: "/tmp")
    }
  }

  @Test func crashFramesAreRecognised() {
    #expect(CrashSymbolizer.frameAddress("  #0 0x0000000000101234") == "0x0000000000101234")
    #expect(CrashSymbolizer.frameAddress("#12 0xffff") == "0xffff")
    #expect(CrashSymbolizer.frameAddress("hello #1 0x12") == nil)
    #expect(CrashSymbolizer.frameAddress("  #x 0x12") == nil)
  }
}

@Suite struct NinjaOutputParserTests {
  @Test func statusLinesAndFailuresAreSeparated() {
    var parser = NinjaOutputParser()
    let lines = [
      "[1/3] CC app main.c",
      "FAILED: /b/obj/app/main.c.o",
      "clang -c main.c -o main.c.o",
      "main.c:3:1: error: expected ';'",
      "1 error generated.",
      "ninja: build stopped: subcommand failed.",
    ]
    let events = lines.compactMap { parser.consume($0) }
    parser.finish()
    #expect(events == [.step(finished: 1, total: 3, description: "CC app main.c")])
    #expect(parser.failures.count == 1)
    #expect(parser.failures[0].outputs == ["/b/obj/app/main.c.o"])
    #expect(parser.failures[0].command == "clang -c main.c -o main.c.o")
    #expect(parser.failures[0].messages == ["main.c:3:1: error: expected ';'", "1 error generated."])
    #expect(parser.failures[0].missingHeader == nil)
  }

  @Test func missingHeadersAreRecognisedFromClangAndGcc() {
    var parser = NinjaOutputParser()
    for line in [
      "FAILED: /b/obj/z/a.c.o", "clang -c a.c", "a.c:1:10: fatal error: 'stdio.h' file not found",
      "FAILED: /b/obj/z/b.c.o", "gcc -c b.c", "b.c:2:10: fatal error: sys/types.h: No such file or directory",
      "FAILED: /b/obj/z/c.c.o", "clang -c c.c", "c.c:1:10: fatal error: 'zlib.h' file not found",
    ] {
      _ = parser.consume(line)
    }
    parser.finish()
    #expect(parser.failures.map(\.missingHeader) == ["stdio.h", "sys/types.h", "zlib.h"])
    // zlib.h is a library's own header, not the libc's.
    #expect(parser.failures.map(\.missingLibcHeader) == ["stdio.h", "sys/types.h", nil])
  }
}

@Suite struct SizeReportTests {
  @Test func chargesInputSectionsToLibraries() {
    let map = """
                   VMA              LMA     Size Align Out     In      Symbol
                100000           100000      130    16 .text
                100000           100000      100    16         /b/qemu-x86_64/obj/kcore/print.c.o:(.text.kprintf)
                100000           100000        0     1                 kprintf
                100100           100100       30    16         /b/qemu-x86_64/obj/app/main.c.o:(.text.main)
                200000           200000       10     8 .data
                200000           200000       10     8         /b/qemu-x86_64/obj/app/main.c.o:(.data)
                     0                0      500     1 .debug_info
                     0                0      500     1         /b/qemu-x86_64/obj/kcore/print.c.o:(.debug_info)
      """
    let report = SizeReport(map: map)
    #expect(report.libraries.map(\.name) == ["kcore", "app"])
    #expect(report.libraries.map(\.bytes) == [0x100, 0x40])
    #expect(report.totalBytes == 0x140)
  }
}
