import Foundation
import KraftTestSupport
import Testing

/// docs/porting.md's end-to-end walkthrough (porting Lua 5.4 with `kraft port new` and
/// booting its interpreter), run exactly as written: the commands are read from the page
/// between its `walkthrough:begin`/`end` markers and run by bash with this build's `kraft` on
/// `PATH`, so the page cannot drift from what works.
@Suite(.tags(.slow), .slowTier) struct PortingWalkthroughTests {
  static let repository = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  /// The shell commands of the walkthrough block.
  static func walkthrough() throws -> String {
    let page = try String(
      contentsOf: repository.appendingPathComponent("docs/porting.md"), encoding: .utf8)
    guard let begin = page.range(of: "<!-- walkthrough:begin -->"),
      let end = page.range(of: "<!-- walkthrough:end -->", range: begin.upperBound..<page.endIndex)
    else { throw Missing(what: "the walkthrough markers in docs/porting.md") }
    let block = page[begin.upperBound..<end.lowerBound]
    let lines = block.split(separator: "\n", omittingEmptySubsequences: false)
      .filter { !$0.hasPrefix("```") }
    return lines.joined(separator: "\n")
  }

  struct Missing: Error { var what: String }

  @Test func portingLuaAsDocumentedBootsItsInterpreter() throws {
    let script = try Self.walkthrough()
    #expect(script.contains("kraft port new lua"))
    let base = FileManager.default.temporaryDirectory.appendingPathComponent(
      "kraft-walkthrough-\(UUID().uuidString)")
    try FileManager.default.createDirectory(
      at: base.appendingPathComponent("bin"), withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: base) }
    // `kraft` by name, as a user types it; it finds its kernel from its real path.
    try FileManager.default.createSymbolicLink(
      atPath: base.path + "/bin/kraft", withDestinationPath: KraftProcess.binary.path)
    try FileManager.default.createDirectory(
      at: base.appendingPathComponent("work"), withIntermediateDirectories: true)

    var environment = ProcessInfo.processInfo.environment
    environment["PATH"] = base.path + "/bin:" + (environment["PATH"] ?? "/usr/bin:/bin")
    // The mirror and its rules go to the test's folder, not the user's.
    environment["XDG_CONFIG_HOME"] = base.path + "/config"
    environment["KRAFT_MIRROR_DIR"] = base.path + "/mirror"
    for name in ["KRAFT_KERNEL_DIR", "KRAFT_PORTS_PATH", "KRAFT_BINARY"] { environment[name] = nil }

    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    process.arguments = ["-euo", "pipefail", "-c", script]
    process.currentDirectoryURL = base.appendingPathComponent("work")
    process.environment = environment
    process.standardInput = FileHandle.nullDevice
    let log = base.path + "/log"
    FileManager.default.createFile(atPath: log, contents: nil)
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
    process.standardOutput = handle
    process.standardError = handle
    let done = DispatchSemaphore(value: 0)
    process.terminationHandler = { _ in done.signal() }
    try process.run()
    // Building musl and Lua is most of it: minutes on two busy cores.
    if done.wait(timeout: .now() + 1800) == .timedOut {
      process.terminate()
      done.wait()
    }
    try handle.close()
    let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
    #expect(process.terminationStatus == 0, "the walkthrough failed:\n\(output.suffix(4000))")
    #expect(output.contains("left out (they define main): src/lua.c, src/luac.c"), "\(output.suffix(4000))")
    #expect(output.contains("license:   MIT"))
    #expect(output.contains("Lua 5.4: 42"), "\(output.suffix(4000))")
  }
}
