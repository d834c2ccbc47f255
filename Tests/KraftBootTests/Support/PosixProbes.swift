import Foundation
import KraftTestSupport

#if canImport(Glibc)
  import Glibc
#endif

/// The POSIX probe suite (`Tests/Images/posix-probes`, bench/harness/posix_probes.py does the
/// same for the bench figure): each probe's output and exit status in the unikernel against
/// the same source linked statically with the host's musl-gcc.
enum PosixProbes {
  static let folder = "Tests/Images/posix-probes"
  static let directory = MuslPrograms.repository.appendingPathComponent(folder)
  /// Enough for mem_large's 16 MiB blocks with musl's allocator around them.
  static let memory = "256"
  /// What the Kraftfile's `env:` gives the guest; the host run gets exactly this.
  static let environment = ["PROBE_COLOUR": "blue"]

  struct Outcome: Equatable, CustomStringConvertible {
    var output: String
    var status: Int32
    var description: String { "status \(status), output \(output.debugDescription)" }
  }

  struct Probe {
    var name: String
    var source: String
    /// Ends the program itself (exit, abort): booted on its own.
    var alone: Bool { source.split(separator: "\n").contains("/* probe: alone */") }
    /// The line the guest prints where a feature is absent (fork, exec), from
    /// `/* probe: enosys "TEXT" */`.
    var enosys: String? {
      let prefix = "/* probe: enosys \""
      let suffix = "\" */"
      guard
        let line = source.split(separator: "\n").first(where: { $0.hasPrefix(prefix) && $0.hasSuffix(suffix) }
        )
      else { return nil }
      return String(line.dropFirst(prefix.count).dropLast(suffix.count)) + "\n"
    }
  }

  static func probes() throws -> [Probe] {
    let folder = directory.appendingPathComponent("probes")
    return try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".c") }
      .sorted().map { file in
        Probe(
          name: String(file.dropLast(2)),
          source: try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8))
      }
  }

  /// One boot for the probes that return, one per probe that ends the program itself.
  static func boots() throws -> [[String]] {
    [["-M", memory]] + (try probes().filter(\.alone).map { ["-M", memory, "--", $0.name] })
  }

  /// `=== name` ... `\n--- exit N` sections of a runner's console, kernel messages left out
  /// (`[warn] syscall 'fork' (57) is not implemented ...`). A section without its trailer
  /// ended the program: its status is the boot's, `status`.
  static func sections(_ console: String, status: Int32? = nil) -> [String: Outcome] {
    let kernelLevels = ["[crit] ", "[error] ", "[warn] ", "[info] ", "[debug] "]
    let lines = console.split(separator: "\n", omittingEmptySubsequences: false)
      .filter { line in !kernelLevels.contains { line.hasPrefix($0) } }
    var outcomes: [String: Outcome] = [:]
    var name: String?
    var body: [Substring] = []
    func close(status: Int32?) {
      if let name, let status {
        outcomes[name] = Outcome(output: body.joined(separator: "\n"), status: status)
      }
    }
    for line in lines {
      if line.hasPrefix("=== ") {
        close(status: status)
        name = String(line.dropFirst(4))
        body = []
      } else if line.hasPrefix("--- exit "), name != nil, let code = Int32(line.dropFirst(9)) {
        // The runner writes "\n--- exit N": joining the lines before it with "\n" drops
        // exactly that newline of its own.
        close(status: code)
        name = nil
      } else if name != nil {
        body.append(line)
      }
    }
    // A probe that ended the program: its text up to the end of the console.
    if name != nil { close(status: status) }
    outcomes["end"] = nil
    return outcomes
  }

  /// Builds the probe with `musl-gcc -static` and runs it in an empty folder.
  static func host(_ probe: Probe, scratch: URL) throws -> Outcome {
    let binary = scratch.appendingPathComponent(probe.name)
    let build = try run(
      "/usr/bin/env",
      [
        "musl-gcc", "-static", "-O2", "-o", binary.path,
        directory.appendingPathComponent("probes/\(probe.name).c").path,
      ],
      in: scratch, environment: ProcessInfo.processInfo.environment,
      output: scratch.appendingPathComponent(probe.name + ".build.txt"))
    guard build.status == 0 else { return Outcome(output: "musl-gcc failed:\n" + build.output, status: -1) }
    let folder = scratch.appendingPathComponent(probe.name + ".d")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return try run(
      binary.path, [], in: folder, environment: environment,
      output: scratch.appendingPathComponent(probe.name + ".output.txt"))
  }

  /// stdout and stderr together, through `output` (outside `folder`, which the probe sees
  /// empty); a signal's status as a shell reports it (128 +
  /// its number). Spawned with no signal blocked and every signal's action the default, as a
  /// shell starts a program: a test runner's threads block signals, and a child would inherit
  /// that mask (then `raise(SIGUSR1)` would never reach its handler).
  private static func run(
    _ executable: String, _ arguments: [String], in folder: URL, environment: [String: String],
    output: URL
  ) throws -> Outcome {
    let pid = try ShellLikeSpawn.start(
      executable, arguments, environment: environment, output: output, in: folder)
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    let signal = status & 0x7f
    let code = signal == 0 ? (status >> 8) & 0xff : 128 + signal
    let text = try String(contentsOf: output, encoding: .utf8)
    return Outcome(output: text, status: code)
  }
}
