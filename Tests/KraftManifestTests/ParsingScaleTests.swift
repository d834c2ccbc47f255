import Foundation
import KraftBasics
import KraftManifest
import KraftModel
import Testing

/// Parsing must be linear in the size of the Kraftfile: a 40,000-item list took 23 s when
/// each append copied the list and each map key was checked against every earlier one.
/// Timings compare an input with four times as many items against the smaller one (linear
/// code takes about 4x as long, quadratic code 16x), so a slow or busy machine cannot fail them;
/// the suite runs its tests one at a time so that they do not slow each other down.
@Suite(.serialized) struct ParsingScaleTests {
  /// A valid Kraftfile whose `cmd` list has `count` items.
  static func longList(_ count: Int) -> String {
    "spec: v0.6\nname: app\ncmd:\n" + (0..<count).map { "  - arg\($0)\n" }.joined()
  }

  /// A valid Kraftfile whose top-level `kconfig` map has `count` keys.
  static func bigMapping(_ count: Int) -> String {
    "spec: v0.6\nname: app\nkconfig:\n" + (0..<count).map { "  CONFIG_OPTION_\($0): 'y'\n" }.joined()
  }

  /// Invalid: `count` targets with unknown platforms, each a problem to report and render.
  static func manyProblems(_ count: Int) -> String {
    "spec: v0.6\nname: app\ntargets:\n" + (0..<count).map { "  - nope\($0)/x86_64\n" }.joined()
  }

  /// The fastest of five runs, in seconds of this thread's CPU time: time the thread spent
  /// waiting while other suites' builds had the CPU does not count (at load 30 wall-clock
  /// ratios reached 10x for linear code).
  static func fastest(_ body: () throws -> Void) rethrows -> Double {
    var best = Double.infinity
    for _ in 0..<5 {
      let start = threadCPUTime()
      try body()
      best = min(best, threadCPUTime() - start)
    }
    return best
  }

  /// The body runs synchronously (no suspension point), so it stays on this thread.
  static func threadCPUTime() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
  }

  static func parse(_ text: String) throws {
    _ = try KraftfileParser().parse(text, file: "Kraftfile", directory: "/p")
  }

  /// Fails when quadrupling the input costs more than 10x the time (quadratic code: 16x) in
  /// each of three tries. Other suites run in parallel, and a burst of their work during the
  /// large runs can inflate one try (CI saw 32x once); load only slows code down, so one try
  /// under 10x is proof of linear cost, while quadratic code stays at 16x in every try.
  static func expectLinear(small: String, large: String, _ body: (String) throws -> Void) rethrows {
    var tries: [String] = []
    for _ in 0..<3 {
      let smallTime = try fastest { try body(small) }
      let largeTime = try fastest { try body(large) }
      // Below a millisecond the ratio is noise; the large input is then fast whatever it is.
      let ratio = largeTime / max(smallTime, 0.001)
      if ratio < 10 { return }
      tries.append("\(ratio)x (\(smallTime) s -> \(largeTime) s)")
    }
    Issue.record("4x the input took, in each try: \(tries.joined(separator: "; "))")
  }

  @Test func longListParsesInLinearTime() throws {
    try Self.parse(Self.longList(40_000))
    try Self.expectLinear(small: Self.longList(5_000), large: Self.longList(20_000), Self.parse)
  }

  @Test func bigMappingParsesInLinearTime() throws {
    try Self.parse(Self.bigMapping(20_000))
    try Self.expectLinear(small: Self.bigMapping(5_000), large: Self.bigMapping(20_000), Self.parse)
  }

  @Test func manyProblemsAreFoundInLinearTime() {
    func check(_ text: String) {
      #expect(throws: Diagnostics.self) { try Self.parse(text) }
    }
    Self.expectLinear(small: Self.manyProblems(2_000), large: Self.manyProblems(8_000), check)
  }

  /// One diagnostic per line of a long file: each source line is found through an index,
  /// not by splitting the whole text again.
  @Test func renderingIsLinearInTheNumberOfDiagnostics() {
    func render(_ count: Int) -> () -> Void {
      let text = (1...count).map { "line \($0)\n" }.joined()
      let diagnostics = (1...count).map {
        Diagnostic("problem", at: SourceLocation(file: "K", line: $0, column: 1))
      }
      return { _ = DiagnosticRenderer().render(diagnostics, sources: ["K": text]) }
    }
    let small = render(2_000)
    let large = render(8_000)
    Self.expectLinear(small: "small", large: "large") { $0 == "small" ? small() : large() }
  }

  @Test func onlyTheFirstHundredProblemsAreReported() {
    let error = #expect(throws: Diagnostics.self) { try Self.parse(Self.manyProblems(250)) }
    #expect(error?.items.count == 101)
    #expect(error?.items.first?.location?.line == 4)
    #expect(error?.items.last?.message == "150 more problems not shown; fix these first")
  }

  @Test func oversizedKraftfileIsRefusedBeforeReading() throws {
    let fileSystem = InMemoryFileSystem(files: [
      "/p/Kraftfile": String(repeating: "#", count: YAMLLimits.default.maxBytes + 1)
    ])
    let loader = KraftfileLoader(fileSystem: fileSystem, environment: [:], currentDirectory: "/p")
    let error = #expect(throws: KraftfileUnreadable.self) { try loader.load() }
    #expect(error?.message.contains("more than the \(YAMLLimits.default.maxBytes) kraft reads") == true)
  }
}
