import Foundation
import KraftBasics
import KraftBuild
import Testing

/// How `kraft run` passes the guest's console on: every byte, in linear time, with kraft's
/// own status line removed only when it ends the console.
@Suite struct ConsoleStreamTests {
  /// Feeds `chunks` and finishes; returns what reached the user and the status value.
  static func pass(_ chunks: [[UInt8]], annotate: ((String) -> String)? = nil) throws -> ([UInt8], Int?) {
    let output = ConsoleBuffer()
    let stream = ConsoleStream(output: output, annotate: annotate)
    for chunk in chunks { try stream.feed(chunk[...]) }
    try stream.finish()
    return (output.bytes, stream.reportedValue)
  }

  static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

  @Test func fiveMegabytesWithoutNewlinesPassExactlyAndInLinearTime() throws {
    let pattern = Self.bytes("0123456789")
    let total = 5_000_000
    let data = (0..<total).map { pattern[$0 % 10] }
    // Uneven chunks, as a pipe delivers them.
    var chunks: [[UInt8]] = []
    var offset = 0
    var size = 1
    while offset < total {
      let end = min(total, offset + size)
      chunks.append(Array(data[offset..<end]))
      offset = end
      size = size * 7 % 65_521 + 1
    }
    let start = Date()
    let (passed, value) = try Self.pass(chunks)
    let seconds = Date().timeIntervalSince(start)
    #expect(passed == data)
    #expect(value == nil)
    // The old reader rescanned the pending line on every chunk: 42 s for this input.
    #expect(seconds < 2, "5 MB took \(seconds) s")
  }

  @Test func crlfBecomesLfAndEveryOtherByteIsKept() throws {
    let input: [UInt8] = Self.bytes("a\r\nb\rc\r") + [0xff, 0xfe, 0x00] + Self.bytes("\r\r\nend")
    let (passed, _) = try Self.pass(input.map { [$0] })
    #expect(passed == Self.bytes("a\nb\rc\r") + [0xff, 0xfe, 0x00] + Self.bytes("\r\nend"))
  }

  @Test func theStatusLineIsRemovedOnlyWhenItEndsTheConsole() throws {
    let last = try Self.pass([Self.bytes("hello\r\nkraft: exit status 1\r\n")])
    #expect(last.0 == Self.bytes("hello\n"))
    #expect(last.1 == 1)
    // Split anywhere, the same.
    let split = try Self.pass(Self.bytes("hello\r\nkraft: exit status 12\r\n").map { [$0] })
    #expect(split.0 == Self.bytes("hello\n"))
    #expect(split.1 == 12)
    // Followed by more output, it is shown (the value is still read).
    let middle = try Self.pass([Self.bytes("kraft: exit status 4\nafter\n")])
    #expect(middle.0 == Self.bytes("kraft: exit status 4\nafter\n"))
    #expect(middle.1 == 4)
  }

  @Test func linesThatOnlyResembleTheStatusLinePassUnchanged() throws {
    for text in [
      "kraft: exit statusX\n", "kraft: exit status \n", "kraft: exit status 1234\n", "kraft\n",
      "kraft: exit status 7 and more\n", "say kraft: exit status 3\n", "kraft: exit",
    ] {
      let (passed, value) = try Self.pass(Self.bytes(text).map { [$0] })
      #expect(passed == Self.bytes(text), "\(text)")
      #expect(value == nil, "\(text)")
    }
  }

  @Test func aLineBeingCheckedIsNotHeldBackOnceItDiverges() throws {
    let output = ConsoleBuffer()
    let stream = ConsoleStream(output: output)
    try stream.feed(Self.bytes("kraft: exit")[...])
    #expect(output.bytes.isEmpty)
    try stream.feed(Self.bytes("ed")[...])
    // Written at once, before the line ends.
    #expect(output.bytes == Self.bytes("kraft: exited"))
  }

  @Test func crashFramesAreAnnotatedBeforeTheirLineEnds() throws {
    let (passed, _) = try Self.pass(
      [Self.bytes("  #0 0x0000000000103961\r\n"), Self.bytes("plain\n")],
      annotate: { $0.contains("#0") ? $0 + " in f at main.c:3" : $0 })
    #expect(passed == Self.bytes("  #0 0x0000000000103961 in f at main.c:3\nplain\n"))
  }
}

/// The real monitor runner, on ordinary processes standing in for QEMU.
@Suite struct TiedMonitorRunnerTests {
  @Test func fiveMegabytesFromARealPipeArriveExactly() throws {
    var received: [UInt8] = []
    received.reserveCapacity(5_000_000)
    let start = Date()
    let exit = try TiedMonitorRunner().run(
      ProcessCommand("/bin/sh", ["-c", "head -c 5000000 /dev/zero | tr '\\0' x; printf end"]),
      timeout: 60
    ) { received += $0 }
    #expect(exit.status == 0)
    #expect(received.count == 5_000_003)
    #expect(received.prefix(5_000_000).allSatisfy { $0 == UInt8(ascii: "x") })
    #expect(received.suffix(3) == Array("end".utf8))
    #expect(Date().timeIntervalSince(start) < 20)
  }

  @Test func timeoutStopsTheProcessAndSaysSo() throws {
    let start = Date()
    let exit = try TiedMonitorRunner(gracePeriod: 1).run(
      ProcessCommand("/bin/sh", ["-c", "echo started; exec sleep 100"]), timeout: 1
    ) { _ in }
    #expect(exit.timedOut)
    #expect(exit.interruptedBy == nil)
    #expect(Date().timeIntervalSince(start) < 10)
  }

  @Test func aProcessIgnoringSigtermIsKilledAfterTheGracePeriod() throws {
    let start = Date()
    let exit = try TiedMonitorRunner(gracePeriod: 1).run(
      ProcessCommand("/bin/sh", ["-c", "trap '' TERM; echo started; while :; do sleep 0.1; done"]),
      timeout: 1
    ) { _ in }
    #expect(exit.timedOut)
    #expect(exit.status == 128 + 9)
    #expect(Date().timeIntervalSince(start) < 10)
  }

  /// Runs in a child process of its own: other suites boot images in this process at the same
  /// time, and while any of them runs, the forwarding handler is rightly installed.
  @Test func signalDispositionsAreRestoredAfterConcurrentRuns() async {
    await #expect(processExitsWith: .success) {
      func disposition(_ signal: Int32) -> UnsafeMutableRawPointer? {
        var current = sigaction()
        sigaction(signal, nil, &current)
        return unsafeBitCast(current.__sigaction_handler.sa_handler, to: UnsafeMutableRawPointer?.self)
      }
      // An ignored SIGHUP (as nohup leaves it) must stay ignored, not become the default.
      signal(SIGHUP, SIG_IGN)
      let before = [SIGINT, SIGTERM, SIGHUP].map(disposition)
      for _ in 0..<20 {
        DispatchQueue.concurrentPerform(iterations: 3) { _ in
          _ = try? TiedMonitorRunner().run(ProcessCommand("/bin/sh", ["-c", "sleep 0.05"]), timeout: 10) {
            _ in
          }
        }
      }
      guard [SIGINT, SIGTERM, SIGHUP].map(disposition) == before else { exit(1) }
    }
  }

  @Test func aMissingProgramIsALaunchError() {
    #expect(throws: MonitorLaunchFailed.self) {
      try TiedMonitorRunner().run(ProcessCommand("/nonexistent/qemu"), timeout: nil) { _ in }
    }
  }

  @Test func whenTheConsoleCannotBeWrittenTheProcessIsStopped() throws {
    struct Full: Error {}
    let marker = FileManager.default.temporaryDirectory.appendingPathComponent("kraft-pid-\(UUID())")
    defer { try? FileManager.default.removeItem(at: marker) }
    #expect(throws: Full.self) {
      try TiedMonitorRunner().run(
        ProcessCommand("/bin/sh", ["-c", "echo $$ > '\(marker.path)'; echo hi; exec sleep 100"]),
        timeout: nil
      ) { _ in throw Full() }
    }
    let pid = try #require(
      Int32(String(contentsOf: marker, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
    // Reaped: no such process any more.
    #expect(kill(pid, 0) != 0)
  }
}
