import ArgumentParser
import Foundation
import KraftBasics
import KraftBuild
import KraftModel

#if canImport(Glibc)
  import Glibc
#endif

/// `kraft ps`: instances started with `kraft run --detach`, running or stopped.
struct PsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ps",
    abstract: "List instances started with 'kraft run --detach'.",
    discussion: """
      State lives in $KRAFT_RUNTIME_DIR, else $XDG_RUNTIME_DIR/kraft, else /run/kraft (root) \
      or a folder in the temporary directory; no daemon is involved.
      """)

  func run() throws {
    let instances = try InstanceStore.forUser().list()
    let rows =
      [["NAME", "STATE", "TARGET", "MEMORY", "NETWORK", "IMAGE"]]
      + instances.map {
        [
          $0.name, $0.state.description, $0.record.run.request.target.shortForm,
          "\($0.record.run.request.memory) MiB", $0.record.run.request.network?.summary ?? "none",
          $0.record.run.request.image,
        ]
      }
    let widths = (0..<6).map { column in rows.map { $0[column].count }.max() ?? 0 }
    for row in rows {
      let cells = row.enumerated().map { index, cell in
        index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
      }
      print(cells.joined(separator: "  "))
    }
  }
}

/// `kraft logs NAME`: an instance's console, as `kraft run` would have shown it.
struct LogsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "logs", abstract: "Print the console of an instance started with --detach.")

  @Argument(help: "The instance's name (see 'kraft ps').")
  var name: String

  @Flag(name: [.customShort("f"), .long], help: "Keep printing new output until the instance stops.")
  var follow = false

  func run() throws {
    let store = try InstanceStore.forUser()
    _ = try store.instance(name)
    let log = open(store.logPath(name), O_RDONLY | O_CLOEXEC)
    guard log >= 0 else {
      throw InstanceError(kind: .missingInput, message: "instance '\(name)' has no console log")
    }
    defer { close(log) }
    let output = DescriptorConsole(descriptor: STDOUT_FILENO)
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let count = buffer.withUnsafeMutableBytes { read(log, $0.baseAddress, $0.count) }
      if count > 0 {
        try output.write(buffer[0..<count])
        continue
      }
      if count < 0 && errno == EINTR { continue }
      // At the end: done, unless following a running instance (then wait for more; once it
      // stopped, one more read picks up what it wrote last).
      guard follow, try store.instance(name).state == .running else {
        if follow {
          while case let count = buffer.withUnsafeMutableBytes({ read(log, $0.baseAddress, $0.count) }),
            count > 0
          {
            try output.write(buffer[0..<count])
          }
        }
        return
      }
      usleep(100_000)
    }
  }
}

/// `kraft stop NAME...`: stops instances (the VM first, then its supervisor).
struct StopCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "stop", abstract: "Stop instances started with --detach.")

  @Argument(help: "The instances' names (see 'kraft ps').")
  var names: [String]

  func validate() throws {
    if names.isEmpty { throw ValidationError("name the instances to stop (see 'kraft ps')") }
  }

  func run() throws {
    let store = try InstanceStore.forUser()
    for name in names {
      print(try store.stop(name) ? "stopped \(name)" : "\(name) was not running")
    }
  }
}

/// `kraft rm NAME...`: removes stopped instances' state and logs.
struct RmCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "rm", abstract: "Remove instances started with --detach (their state and log).",
    aliases: ["remove"])

  @Argument(help: "The instances' names (see 'kraft ps').")
  var names: [String]

  @Flag(name: [.customShort("f"), .long], help: "Stop running instances first.")
  var force = false

  func validate() throws {
    if names.isEmpty { throw ValidationError("name the instances to remove (see 'kraft ps')") }
  }

  func run() throws {
    let store = try InstanceStore.forUser()
    for name in names {
      try store.remove(name, force: force)
      print("removed \(name)")
    }
  }
}

/// `kraft _supervise FOLDER` (hidden): the background kraft of one detached instance. It boots
/// the saved run with the console going to its stdout (the instance's log), records the exit
/// status, and removes the instance when it was started with --rm. SIGTERM (kraft stop)
/// stops the VM through the same path as Ctrl-C in the foreground.
struct SuperviseCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "_supervise", abstract: "Supervise a detached instance (used by kraft run -d).",
    shouldDisplay: false)

  @Argument var folder: String

  func run() throws {
    let record = try InstanceStore.readRecord(folder: folder)
    let store = InstanceStore(root: (folder as NSString).deletingLastPathComponent)
    let exit: InstanceStore.Exit
    do {
      let decoded = try record.run.boot(output: DescriptorConsole(descriptor: STDOUT_FILENO))
      exit = InstanceStore.Exit(status: decoded.status, explanation: decoded.explanation)
    } catch let error as any KraftError {
      exit = InstanceStore.Exit(status: ExitStatus.code(for: error.kind), explanation: error.message)
    } catch {
      exit = InstanceStore.Exit(
        status: ExitStatus.code(for: .runFailed), explanation: "could not boot the instance: \(error)")
    }
    if let explanation = exit.explanation { StandardStream.error.write("kraft: \(explanation)\n") }
    try store.recordExit(exit, folder: folder)
    if record.removeWhenStopped { try? store.fileSystem.remove(folder) }
    throw ExitCode(exit.status)
  }
}

/// This kraft binary's real path (a detached instance's supervisor runs it again).
enum KraftExecutable {
  static var path: String { ExecutableLocator.currentExecutable }
}
