import Foundation
import KraftTestSupport
import Testing

/// The POSIX probes (Tests/Images/posix-probes): 50+ ordinary C programs built unchanged into
/// one image (built in MuslPrograms' shared project, so musl is compiled once) and with the
/// host's musl-gcc. Every probe must print the same and exit the same in the unikernel, or,
/// where a feature is absent (fork, exec), print its documented ENOSYS line.
@Suite(.serialized) struct PosixProbeTests {
  static let hasMuslGcc = ["/usr/bin/musl-gcc", "/usr/local/bin/musl-gcc"].contains {
    FileManager.default.isExecutableFile(atPath: $0)
  }

  /// {probe: outcome} from every boot of the image.
  static func guest() async throws -> [String: PosixProbes.Outcome] {
    let phase = try #require(try await MuslPrograms.shared.value.phases[PosixProbes.folder])
    #expect(phase.build.status == 0, "kraft build of the probes:\n\(phase.build.output)")
    var outcomes: [String: PosixProbes.Outcome] = [:]
    for (arguments, boot) in phase.boots {
      let named = arguments.contains("--")
      outcomes.merge(PosixProbes.sections(boot.stdout, status: named ? boot.status : nil)) { $1 }
    }
    return outcomes
  }

  @Test func parsesFramedSectionsWithoutKernelMessages() {
    let console =
      "=== a\nline\n\n--- exit 0\n=== b\n[warn] syscall 'fork' (57) is not implemented: returning -ENOSYS\n"
      + "no newline\n--- exit 3\n=== end\n"
    let sections = PosixProbes.sections(console)
    #expect(sections["a"] == PosixProbes.Outcome(output: "line\n", status: 0))
    #expect(sections["b"] == PosixProbes.Outcome(output: "no newline", status: 3))
    #expect(sections["end"] == nil)
    #expect(PosixProbes.sections("=== x\nbefore abort\n").isEmpty)
    #expect(
      PosixProbes.sections("=== x\nbefore abort\n", status: 134)["x"]
        == PosixProbes.Outcome(output: "before abort\n", status: 134))
  }

  @Test(
    .tags(.slow), .slowTier,
    .enabled(if: hasMuslGcc, "needs musl-gcc (Debian package musl-tools) for the host side"))
  func everyProbeMatchesMuslGccOrIsDocumentedENOSYS() async throws {
    let probes = try PosixProbes.probes()
    #expect(probes.count >= 50)
    let guest = try await Self.guest()
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
      "kraft-probes-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }

    var identical: [String] = []
    var absent: [String] = []
    for probe in probes {
      let mine = guest[probe.name]
      if let expected = probe.enosys {
        #expect(
          mine == PosixProbes.Outcome(output: expected, status: 0),
          "\(probe.name): the guest should print its documented ENOSYS line")
        if mine?.output == expected { absent.append(probe.name) }
        continue
      }
      let host = try PosixProbes.host(probe, scratch: scratch)
      #expect(
        mine == host, "\(probe.name): unikernel \(mine.map(\.description) ?? "no output"), musl-gcc \(host)")
      if mine == host { identical.append(probe.name) }
    }
    print(
      "posix probes: \(identical.count) of \(probes.count - absent.count) identical to musl-gcc, "
        + "\(absent.count) documented ENOSYS (\(absent.joined(separator: ", ")))")
  }

  /// The C dialect: strtok_r, strncasecmp, clock_gettime and nanosleep compile without any
  /// feature macro (the application is GNU C17), as with musl-gcc.
  @Test(.tags(.slow), .slowTier) func posixNamesNeedNoFeatureMacro() async throws {
    let probes = try PosixProbes.probes().filter {
      ["mem_string", "time_clock_gettime", "time_nanosleep"].contains($0.name)
    }
    #expect(probes.count == 3)
    for probe in probes {
      for probe in probes {
        #expect(!probe.source.contains("#define _"), "\(probe.name) defines a feature macro")
      }
    }
    let source = probes.map(\.source).joined()
    for name in ["strtok_r(", "strncasecmp(", "clock_gettime(", "nanosleep("] {
      #expect(source.contains(name))
    }
    let guest = try await Self.guest()
    #expect(guest["mem_string"]?.output.hasPrefix("[alpha][beta][gamma]\nstrncasecmp 0 0\n") == true)
    #expect(guest["time_nanosleep"]?.output.hasPrefix("nanosleep 0 slept at least 20ms 1\n") == true)
    #expect(guest["time_clock_gettime"]?.status == 0)
  }
}
