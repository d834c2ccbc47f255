import Foundation
import KraftTestSupport
import Testing

/// The sqlite3 port as a user gets it: `kraft init`, `kraft port add sqlite3`, the boot test
/// program (Tests/Images/sqlite-db/main.c) as the app, a database made on the host by Python's
/// sqlite3 module in the rootfs, then `kraft build` and `kraft run` on qemu/x86_64 and
/// qemu/arm64. One project, each architecture built once per test run (the amalgamation is one
/// large compilation per architecture).
final class SQLiteProject: @unchecked Sendable {
  let root: URL
  let project: URL
  let add: KraftProcess.Result
  /// Per target: the build, and the boot when the build succeeded.
  private(set) var builds: [String: KraftProcess.Result] = [:]
  private(set) var runs: [String: KraftProcess.Result] = [:]
  /// sum(length(word) * id) over the shipped database, computed on the host.
  let shippedSum: String

  static let targets = ["qemu/x86_64", "qemu/arm64"]
  static let repository = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  /// Writes the rootfs's database with the host's SQLite and prints the checksum the guest
  /// must find.
  static let shippedScript = """
    import sqlite3, sys
    db = sqlite3.connect(sys.argv[1])
    db.execute('CREATE TABLE shipped(id INTEGER PRIMARY KEY, word TEXT)')
    db.executemany('INSERT INTO shipped(word) VALUES(?)',
                   [(('w%d' % i) * (i % 5 + 1),) for i in range(1, 301)])
    db.commit()
    print(db.execute('SELECT sum(length(word) * id) FROM shipped').fetchone()[0])
    """

  init() throws {
    let manager = FileManager.default
    root = manager.temporaryDirectory.appendingPathComponent("kraft-sqlite-\(UUID().uuidString)")
    try manager.createDirectory(at: root, withIntermediateDirectories: true)
    project = root.appendingPathComponent("app")
    let kernel = ["KRAFT_KERNEL_DIR": Self.repository.appendingPathComponent("Kernel").path]

    _ = try KraftProcess.run(["init", "app"], in: root, environment: kernel)
    add = try KraftProcess.run(["port", "add", "sqlite3"], in: project, environment: kernel, timeout: 900)
    try OpenSSLProject.require(add, "kraft port add sqlite3")

    try manager.removeItem(at: project.appendingPathComponent("main.c"))
    try manager.copyItem(
      at: Self.repository.appendingPathComponent("Tests/Images/sqlite-db/main.c"),
      to: project.appendingPathComponent("main.c"))
    let data = project.appendingPathComponent("rootfs/data")
    try manager.createDirectory(at: data, withIntermediateDirectories: true)
    let shipped = data.appendingPathComponent("shipped.db")
    guard let sum = try HostTool.output(["python3", "-c", Self.shippedScript, shipped.path]) else {
      throw OpenSSLProject.StepFailed(description: "python3 could not write \(shipped.path)")
    }
    shippedSum = sum.trimmingCharacters(in: .whitespacesAndNewlines)

    let kraftfile = project.appendingPathComponent("Kraftfile")
    let text = try String(contentsOf: kraftfile, encoding: .utf8)
    let arm64 = text.replacingOccurrences(of: "  - fc/x86_64\n", with: "  - qemu/arm64\n")
    try (arm64 + "\nrootfs: ./rootfs\n").write(to: kraftfile, atomically: true, encoding: .utf8)

    for target in Self.targets {
      let build = try KraftProcess.run(
        ["build", "-t", target], in: project, environment: kernel, timeout: 3600)
      builds[target] = build
      guard build.status == 0 else { continue }
      runs[target] = try KraftProcess.run(
        ["run", "-t", target, "--timeout", "300", "--", "/data/shipped.db", shippedSum],
        in: project, environment: kernel, timeout: 400)
    }
  }

  deinit { try? FileManager.default.removeItem(at: root) }

  static let shared = SharedFixture { try SQLiteProject() }
}

@Suite(.tags(.slow), .slowTier) struct PortSQLiteBootTests {
  @Test func portAddListsSQLiteAndTheLibcAndLocksThePreparedTree() async throws {
    let built = try await SQLiteProject.shared.value
    #expect(built.add.status == 0, "kraft port add:\n\(built.add.output)")
    let kraftfile = try String(
      contentsOf: built.project.appendingPathComponent("Kraftfile"), encoding: .utf8)
    #expect(kraftfile.contains("libraries:\n  sqlite3:\n  musl:\n"), "\(kraftfile)")
    let lock = try String(
      contentsOf: built.project.appendingPathComponent("Kraftfile.lock"), encoding: .utf8)
    #expect(lock.contains("debian:sqlite3/3.40.1-2+deb12u2/sqlite3_3.40.1.orig.tar.xz"), "\(lock)")
    #expect(lock.contains("prepared-tree: \"sha256:"), "\(lock)")
  }

  @Test(arguments: SQLiteProject.targets)
  func databaseWorkPassesInsideTheUnikernel(target: String) async throws {
    let built = try await SQLiteProject.shared.value
    let build = try #require(built.builds[target])
    #expect(build.status == 0, "kraft build -t \(target):\n\(build.output)")
    let run = try #require(built.runs[target])
    #expect(run.status == 0, "kraft run -t \(target):\n\(run.output)")
    #expect(run.stdout.contains("sqlite 3.40.1, threadsafe 1"), "\(run.stdout)")
    #expect(run.stdout.contains("file: 319488 bytes, 78 pages, integrity ok"), "\(run.stdout)")
    #expect(run.stdout.contains("threads: 2 connections wrote 1000 rows"), "\(run.stdout)")
    #expect(run.stdout.contains("memory: checked"), "\(run.stdout)")
    #expect(run.stdout.contains("wal: exclusive mode checked"), "\(run.stdout)")
    #expect(run.stdout.contains("shipped: 300 rows read, writes refused"), "\(run.stdout)")
    #expect(run.stdout.hasSuffix("sqlite: ok\n"), "\(run.stdout)")
    #expect(!run.output.contains("not implemented"), "\(run.output)")
  }
}
