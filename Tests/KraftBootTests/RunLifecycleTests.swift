import Foundation
import KraftTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `kraft run`'s VM lifecycle with a real image (Tests/Images/console): however kraft ends,
/// no QEMU outlives it; memory too small for the image is refused; the console arrives whole;
/// instances run in the background with ps/logs/stop/rm. Every run uses -W: tests never
/// depend on KVM.
@Suite(.tags(.slow), .slowTier) struct RunLifecycleTests {
  static let console = SharedFixture { try BuiltProject(copying: "Tests/Images/console") }

  func project() async throws -> BuiltProject {
    let project = try await Self.console.value
    try #require(project.build.status == 0, "kraft build failed:\n\(project.build.output)")
    return project
  }

  /// kraft started in the background, with its stdout and stderr in a file.
  final class Background {
    let process = Process()
    let log: URL

    init(_ arguments: [String], in directory: URL, environment: [String: String] = [:]) throws {
      log = FileManager.default.temporaryDirectory.appendingPathComponent("kraft-run-\(UUID()).log")
      FileManager.default.createFile(atPath: log.path, contents: nil)
      let handle = try FileHandle(forWritingTo: log)
      process.executableURL = KraftProcess.binary
      process.arguments = arguments
      process.currentDirectoryURL = directory
      process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
      process.standardInput = FileHandle.nullDevice
      process.standardOutput = handle
      process.standardError = handle
      try process.run()
    }

    deinit {
      if process.isRunning { kill(process.processIdentifier, SIGKILL) }
      try? FileManager.default.removeItem(at: log)
    }

    var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// Waits until the output contains `text`.
    func waitFor(_ text: String, seconds: Double = 60) -> Bool {
      RunLifecycleTests.poll(seconds) { self.output.contains(text) }
    }

    func waitForExit(seconds: Double = 30) -> Int32? {
      guard RunLifecycleTests.poll(seconds, { !self.process.isRunning }) else { return nil }
      process.waitUntilExit()
      return process.terminationStatus
    }
  }

  static func poll(_ seconds: Double, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
      if condition() { return true }
      usleep(50_000)
    }
    return condition()
  }

  /// The children of `pid` (every thread's), from /proc.
  static func children(of pid: Int32) -> [Int32] {
    let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
    return tasks.flatMap { task -> [Int32] in
      let text = (try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/children", encoding: .utf8)) ?? ""
      return text.split(separator: " ").compactMap {
        Int32($0.trimmingCharacters(in: .whitespacesAndNewlines))
      }
    }
  }

  static func command(of pid: Int32) -> String {
    ((try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? "")
      .replacingOccurrences(of: "\0", with: " ")
  }

  /// Gone, or a zombie waiting for init to reap it: no longer running either way.
  static func isGone(_ pid: Int32) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
      let close = stat.lastIndex(of: ")")
    else { return true }
    return stat[stat.index(after: close)...].split(separator: " ").first == "Z"
  }

  static func qemuChild(of pid: Int32) -> Int32? {
    var found: Int32?
    _ = poll(30) {
      found = children(of: pid).first { command(of: $0).contains("qemu-system") }
      return found != nil
    }
    return found
  }

  @Test(arguments: [SIGTERM, SIGINT, SIGHUP])
  func aSignalToKraftStopsItsVM(signal: Int32) async throws {
    let project = try await project()
    let kraft = try Background(["run", "-W"], in: project.scratch.url)
    #expect(kraft.waitFor("running"), "the guest did not start:\n\(kraft.output)")
    let qemu = try #require(Self.qemuChild(of: kraft.process.processIdentifier))
    kill(kraft.process.processIdentifier, signal)
    let status = kraft.waitForExit()
    #expect(status == 128 + signal, "kraft:\n\(kraft.output)")
    #expect(Self.poll(5) { Self.isGone(qemu) }, "QEMU \(qemu) outlived kraft")
    #expect(kraft.output.contains("the virtual machine was stopped too"))
  }

  @Test func killingKraftWithSigkillTakesItsVMAlong() async throws {
    let project = try await project()
    let kraft = try Background(["run", "-W"], in: project.scratch.url)
    #expect(kraft.waitFor("running"), "the guest did not start:\n\(kraft.output)")
    let qemu = try #require(Self.qemuChild(of: kraft.process.processIdentifier))
    kill(kraft.process.processIdentifier, SIGKILL)
    _ = kraft.waitForExit()
    #expect(Self.poll(5) { Self.isGone(qemu) }, "QEMU \(qemu) outlived kraft -9")
  }

  @Test func timeoutStopsTheVM() async throws {
    let project = try await project()
    let run = try KraftProcess.run(["run", "-W", "--timeout", "2"], in: project.scratch.url, timeout: 60)
    #expect(run.status == 125, "\(run.output)")
    #expect(run.stderr.contains("did not stop within 2 seconds"))
  }

  @Test(arguments: ["qemu/x86_64", "fc/x86_64", "qemu/arm64"])
  func memoryBelowTheImageIsRefusedAndTheNamedMinimumBoots(target: String) async throws {
    let project = try await project()
    let small = try KraftProcess.run(
      ["run", "-W", "-t", target, "-M", "1", "--", "flood", "10"], in: project.scratch.url, timeout: 60)
    #expect(small.status == 64, "\(small.output)")
    #expect(small.stdout.isEmpty)
    let message = small.stderr
    let range = try #require(message.range(of: "at least "), "\(message)")
    let minimum = try #require(Int(message[range.upperBound...].prefix(while: \.isNumber)))
    #expect(message.contains("-M \(minimum)Mi"))
    let enough = try KraftProcess.run(
      ["run", "-W", "-t", target, "-M", "\(minimum)", "--timeout", "60", "--", "flood", "10"],
      in: project.scratch.url, timeout: 120)
    #expect(enough.status == 0, "at the minimum \(minimum) MiB:\n\(enough.output)")
    #expect(enough.stdout.hasPrefix("0123456789"))
  }

  @Test(arguments: ["qemu/x86_64", "fc/x86_64"])
  func theConsoleArrivesByteForByteWithoutKraftsStatusLine(target: String) async throws {
    let project = try await project()
    let total = 1_000_000
    let run = try KraftProcess.run(
      ["run", "-W", "-t", target, "--timeout", "120", "--", "flood", "\(total)"], in: project.scratch.url,
      timeout: 200)
    #expect(run.status == 0, "\(run.stderr)")
    let expected = String(repeating: "0123456789", count: total / 10)
    // fc/x86_64's kernel starts its status line on a line of its own; the line itself is
    // kraft's protocol and must not reach the user.
    #expect(run.stdout == expected || run.stdout == expected + "\n", "\(run.stdout.suffix(80))")
    #expect(!run.output.contains("exit status"))
  }

  @Test func detachedInstancesRunUntilStoppedAndAreListedLoggedAndRemoved() async throws {
    let project = try await project()
    let runtime = FileManager.default.temporaryDirectory.appendingPathComponent("kraft-rt-\(UUID())")
    defer { try? FileManager.default.removeItem(at: runtime) }
    let environment = ["KRAFT_RUNTIME_DIR": runtime.path]
    let kraft = { (arguments: [String]) in
      try KraftProcess.run(arguments, in: project.scratch.url, environment: environment, timeout: 120)
    }
    let started = try kraft(["run", "-W", "-d", "-n", "web"])
    #expect(started.status == 0, "\(started.output)")
    #expect(started.stdout == "web\n")
    #expect(try kraft(["run", "-W", "-d", "-n", "web"]).status == 64)

    #expect(Self.poll(60) { (try? kraft(["logs", "web"]).stdout.contains("running")) == true })
    let listed = try kraft(["ps"])
    #expect(listed.stdout.contains("web"))
    #expect(listed.stdout.contains("running"))
    #expect(listed.stdout.contains("qemu/x86_64"))

    // The VM belongs to the instance's supervisor; stopping the instance stops it.
    let supervisor =
      try JSONSerialization.jsonObject(
        with: Data(contentsOf: runtime.appendingPathComponent("web/supervisor.json"))) as? [String: Any]
    let supervisorPid = try #require((supervisor?["pid"] as? NSNumber)?.int32Value)
    let qemu = try #require(Self.qemuChild(of: supervisorPid))
    let refused = try kraft(["rm", "web"])
    #expect(refused.status == 64)
    #expect(refused.stderr.contains("kraft stop web"))

    let stopped = try kraft(["stop", "web"])
    #expect(stopped.status == 0, "\(stopped.output)")
    #expect(Self.poll(5) { Self.isGone(qemu) }, "QEMU \(qemu) outlived 'kraft stop'")
    #expect(try kraft(["ps"]).stdout.contains("exited (143)"))
    #expect(try kraft(["logs", "web"]).stdout.contains("stopped by SIGTERM"))

    #expect(try kraft(["rm", "web"]).status == 0)
    #expect(!(try kraft(["ps"]).stdout.contains("web")))
    #expect(try kraft(["logs", "web"]).status == 66)

    // logs -f follows an instance until it stops, then prints the rest.
    #expect(try kraft(["run", "-W", "-d", "-n", "short", "--", "flood", "10"]).status == 0)
    let followed = try kraft(["logs", "-f", "short"])
    #expect(followed.status == 0)
    #expect(followed.stdout.hasPrefix("0123456789"), "\(followed.output)")
    #expect(try kraft(["ps"]).stdout.contains("exited (0)"))

    // --rm: the instance removes itself when the application exits.
    let once = try kraft(["run", "-W", "-d", "--rm", "-n", "once", "--", "flood", "10"])
    #expect(once.status == 0, "\(once.output)")
    #expect(
      Self.poll(60) { !FileManager.default.fileExists(atPath: runtime.appendingPathComponent("once").path) })
  }
}
