import Foundation
import Testing

/// `kraft init`, `kraft validate` and the corpus check, through the built binary: fast (no
/// QEMU), but they check parsing, output, exit statuses and the schema agreement end to end.
@Suite struct ValidateCommandTests {
  static let repository = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  /// A fresh empty folder, removed when the test ends.
  final class Folder {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("kraft-validate-\(UUID().uuidString)")
    init() throws { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) }
    deinit { try? FileManager.default.removeItem(at: url) }
  }

  @Test func initThenValidateSucceeds() throws {
    let folder = try Folder()
    let created = try KraftProcess.run(["init", "hello"], in: folder.url)
    #expect(created.status == 0, "\(created.output)")
    let validated = try KraftProcess.run(["validate"], in: folder.url.appendingPathComponent("hello"))
    #expect(validated.status == 0, "\(validated.output)")
    #expect(validated.stdout.contains("target    qemu/x86_64"))
    #expect(validated.stdout.contains("target    fc/x86_64"))
    let json = try KraftProcess.run(["validate", "hello", "--output", "json"], in: folder.url)
    let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
    let project = object?["project"] as? [String: Any]
    #expect(project?["name"] as? String == "hello")
  }

  @Test func brokenKraftfilePrintsCaretAndSuggestion() throws {
    let folder = try Folder()
    try "spec: v0.6\nname: app\ntargets:\n  - plat: qemu\n    arch: x86-64\n"
      .write(to: folder.url.appendingPathComponent("Kraftfile"), atomically: true, encoding: .utf8)
    let result = try KraftProcess.run(["validate"], in: folder.url, environment: ["NO_COLOR": "1"])
    #expect(result.status == 65)
    #expect(
      result.stderr == """
        Kraftfile:5:11: error: unknown architecture 'x86-64'; did you mean 'x86_64'?
            arch: x86-64
                  ^

        """)
  }

  /// A Kraftfile's warnings (a `kconfig` option set twice) are printed, once and with their
  /// positions, by every command that reads the project, not only by `validate`.
  @Test func everyCommandThatLoadsTheProjectPrintsItsWarningsOnce() throws {
    let folder = try Folder()
    try
      "spec: v0.6\nname: app\nkconfig:\n  CONFIG_KCORE_LOG_LEVEL: info\n  CONFIG_KCORE_LOG_LEVEL: error\ntargets:\n  - qemu/x86_64\n"
      .write(to: folder.url.appendingPathComponent("Kraftfile"), atomically: true, encoding: .utf8)
    try "int main(void) { return 0; }\n"
      .write(to: folder.url.appendingPathComponent("main.c"), atomically: true, encoding: .utf8)
    let warning = "Kraftfile:5:3: warning: 'CONFIG_KCORE_LOG_LEVEL' is set twice in the top-level 'kconfig'"
    for command in [["validate"], ["fetch"], ["clean"], ["config", "show"], ["properclean"]] {
      let result = try KraftProcess.run(command, in: folder.url, environment: ["NO_COLOR": "1"])
      #expect(result.status == 0, "kraft \(command): \(result.output)")
      #expect(
        result.stderr.components(separatedBy: warning).count == 2,
        "kraft \(command) printed:\n\(result.stderr)")
      #expect(!result.stdout.contains("warning"), "kraft \(command): \(result.stdout)")
    }
  }

  @Test func missingKraftfileAndBadUsageHaveTheirOwnStatuses() throws {
    let folder = try Folder()
    let missing = try KraftProcess.run(["validate"], in: folder.url)
    #expect(missing.status == 66)
    #expect(missing.stderr.contains("no Kraftfile in '.'"))
    #expect(try KraftProcess.run(["validate", "--no-such-option"], in: folder.url).status == 64)
    let help = try KraftProcess.run(["--help"], in: folder.url)
    #expect(help.status == 0 && help.stdout.contains("65  invalid input"))
  }

  /// The corpus agrees with both the JSON Schema and this kraft binary.
  @Test func schemaAndParserAgreeOnTheCorpus() throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "Tests/Corpus/check_schema.py"]
    process.currentDirectoryURL = Self.repository
    process.environment = ProcessInfo.processInfo.environment.merging(
      ["KRAFT_BIN": KraftProcess.binary.path]) { $1 }
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "\(text)")
    #expect(text.hasSuffix(" passed, 0 failed\n"))
  }
}
