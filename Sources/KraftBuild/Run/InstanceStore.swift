import CKraftSpawn
import Foundation
import KraftBasics
import KraftModel

#if canImport(Glibc)
  import Glibc
#endif

/// Instances started with `kraft run --detach`, without a daemon: each is a folder under the
/// user's runtime folder holding what to boot (`instance.json`), the supervising kraft's pid
/// (`supervisor.json`), the console (`console.log`) and, once it stopped, its status
/// (`exit.json`). The supervisor is kraft itself (`kraft _supervise FOLDER`) in a session of
/// its own; the VM is tied to it, so stopping the supervisor stops the VM.
public struct InstanceStore: Sendable {
  public var root: String
  public var fileSystem: any FileSystem

  public init(root: String, fileSystem: any FileSystem = LocalFileSystem()) {
    self.root = root
    self.fileSystem = fileSystem
  }

  /// `$KRAFT_RUNTIME_DIR`, else `$XDG_RUNTIME_DIR/kraft`, else `/run/kraft` for root, else
  /// `<temporary folder>/kraft-<uid>`.
  public static func forUser(
    environment: [String: String] = ProcessInfo.processInfo.environment,
    fileSystem: any FileSystem = LocalFileSystem()
  ) throws -> InstanceStore {
    let root: String
    if let explicit = environment["KRAFT_RUNTIME_DIR"], !explicit.isEmpty {
      root = explicit
    } else if let runtime = environment["XDG_RUNTIME_DIR"], !runtime.isEmpty,
      fileSystem.exists(runtime)
    {
      root = runtime + "/kraft"
    } else if getuid() == 0 {
      root = "/run/kraft"
    } else {
      root = NSTemporaryDirectory().trimmingSuffix("/") + "/kraft-\(getuid())"
    }
    return InstanceStore(root: root, fileSystem: fileSystem)
  }

  public struct Record: Hashable, Sendable, Codable {
    public var name: String
    public var run: InstanceRun
    public var removeWhenStopped: Bool
    public var created: Date
  }

  /// The supervising kraft: its pid and its start time (clock ticks since boot, from
  /// /proc/PID/stat), so a pid reused by another process is not taken for it.
  struct Supervisor: Hashable, Codable {
    var pid: Int32
    var startTime: UInt64
  }

  public struct Exit: Hashable, Sendable, Codable {
    public var status: Int32
    public var explanation: String?

    public init(status: Int32, explanation: String?) {
      self.status = status
      self.explanation = explanation
    }
  }

  public enum State: Hashable, Sendable {
    case running
    case exited(Exit)
    /// Gone without a status (the supervisor was killed).
    case stopped

    public var description: String {
      switch self {
      case .running: return "running"
      case .exited(let exit): return "exited (\(exit.status))"
      case .stopped: return "stopped"
      }
    }
  }

  public struct Instance: Hashable, Sendable {
    public var record: Record
    public var state: State
    public var name: String { record.name }
  }

  func folder(_ name: String) -> String { root + "/" + name }
  public func logPath(_ name: String) -> String { folder(name) + "/console.log" }

  /// `project-1`, `project-2`, ...: the first free one.
  public func freshName(for project: String) -> String {
    var base = String(project.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "-" })
    if base.isEmpty || !base.first!.isLetter && !base.first!.isNumber { base = "instance" + base }
    var number = 1
    while fileSystem.exists(folder("\(base)-\(number)")) { number += 1 }
    return "\(base)-\(number)"
  }

  static func checkName(_ name: String) throws {
    let allowed = name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
    guard allowed, let first = name.first, first.isLetter || first.isNumber, name.count <= 64 else {
      throw InstanceError(
        kind: .usage,
        message:
          "instance name '\(name)' is not valid; use up to 64 letters, digits, '-', '_' or '.', starting with a letter or digit"
      )
    }
  }

  /// Saves the run and starts its supervisor (`kraftExecutable _supervise FOLDER`) in the
  /// background, with the console going to `console.log`.
  public func start(
    _ run: InstanceRun, name: String, removeWhenStopped: Bool, kraftExecutable: String
  ) throws -> Instance {
    try Self.checkName(name)
    if !fileSystem.exists(root) {
      try fileSystem.createDirectory(root)
      try fileSystem.setPermissions(root, 0o700)
    }
    // mkdir claims the name atomically: two kraft runs cannot both get it.
    guard mkdir(folder(name), 0o700) == 0 else {
      if errno == EEXIST {
        throw InstanceError(
          kind: .usage,
          message:
            "an instance named '\(name)' exists; remove it with 'kraft rm \(name)' or choose another '--name'"
        )
      }
      throw InstanceError(
        kind: .runFailed, message: "cannot create '\(folder(name))': \(String(cString: strerror(errno)))")
    }
    do {
      let record = Record(name: name, run: run, removeWhenStopped: removeWhenStopped, created: Date())
      try Self.write(record, to: folder(name) + "/instance.json", fileSystem: fileSystem)
      let log = open(logPath(name), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
      guard log >= 0 else {
        throw InstanceError(
          kind: .runFailed, message: "cannot create '\(logPath(name))': \(String(cString: strerror(errno)))")
      }
      defer { close(log) }
      let null = open("/dev/null", O_RDONLY | O_CLOEXEC)
      defer { close(null) }
      let child = try ChildProcess.spawn(
        ProcessCommand(kraftExecutable, ["_supervise", folder(name)]), stdin: null, outputFile: log,
        mode: KRAFT_SPAWN_DETACHED)
      child.release()
      try Self.write(
        Supervisor(pid: child.pid, startTime: Self.startTime(of: child.pid) ?? 0),
        to: folder(name) + "/supervisor.json", fileSystem: fileSystem)
      return Instance(record: record, state: .running)
    } catch {
      try? fileSystem.remove(folder(name))
      throw error
    }
  }

  public func list() -> [Instance] {
    let names = (try? fileSystem.list(root)) ?? []
    return names.sorted().compactMap { try? instance($0) }
  }

  public func instance(_ name: String) throws -> Instance {
    try Self.checkName(name)
    let path = folder(name) + "/instance.json"
    guard let data = try? fileSystem.readData(path) else {
      let known = list().map { "'\($0.name)'" }.joined(separator: ", ")
      throw InstanceError(
        kind: .missingInput,
        message: "no instance named '\(name)'"
          + (known.isEmpty ? "; 'kraft run -d' starts one" : "; instances: \(known)"))
    }
    let record = try Self.decoder.decode(Record.self, from: data)
    return Instance(record: record, state: state(name))
  }

  func state(_ name: String) -> State {
    if let supervisor = supervisor(name), isAlive(supervisor) { return .running }
    // The supervisor writes exit.json last; read it after the liveness check, or an instance
    // that exits in between would read as stopped.
    if let data = try? fileSystem.readData(folder(name) + "/exit.json"),
      let exit = try? Self.decoder.decode(Exit.self, from: data)
    {
      return .exited(exit)
    }
    // Started this instant: supervisor.json is written right after the spawn.
    if supervisor(name) == nil { return .running }
    return .stopped
  }

  func supervisor(_ name: String) -> Supervisor? {
    (try? fileSystem.readData(folder(name) + "/supervisor.json")).flatMap {
      try? Self.decoder.decode(Supervisor.self, from: $0)
    }
  }

  func isAlive(_ supervisor: Supervisor) -> Bool {
    guard kill(supervisor.pid, 0) == 0 || errno == EPERM else { return false }
    guard let start = Self.startTime(of: supervisor.pid) else { return false }
    // A zombie (exited, not yet reaped) is not running.
    if Self.processState(of: supervisor.pid) == "Z" { return false }
    return supervisor.startTime == 0 || start == supervisor.startTime
  }

  /// Stops a running instance: SIGTERM to its supervisor, which stops the VM and records the
  /// status; SIGKILL after `grace` seconds (the VM dies with it). Returns false when it was
  /// not running.
  @discardableResult
  public func stop(_ name: String, grace: Double = 10) throws -> Bool {
    let instance = try instance(name)
    guard instance.state == .running, let supervisor = supervisor(name) else { return false }
    kill(supervisor.pid, SIGTERM)
    let deadline = Date().addingTimeInterval(grace)
    while isAlive(supervisor) {
      if Date() > deadline {
        kill(supervisor.pid, SIGKILL)
        while isAlive(supervisor) { usleep(20_000) }
        break
      }
      usleep(20_000)
    }
    return true
  }

  /// Removes a stopped instance's folder (`force`: stops it first).
  public func remove(_ name: String, force: Bool) throws {
    let instance = try instance(name)
    if instance.state == .running {
      guard force else {
        throw InstanceError(
          kind: .usage,
          message:
            "instance '\(name)' is running; stop it with 'kraft stop \(name)' first, or use 'kraft rm --force'"
        )
      }
      try stop(name)
    }
    try fileSystem.remove(folder(name))
  }

  /// For the supervisor: records how the run ended.
  public func recordExit(_ exit: Exit, folder: String) throws {
    try Self.write(exit, to: folder + "/exit.json", fileSystem: fileSystem)
  }

  public static func readRecord(folder: String, fileSystem: any FileSystem = LocalFileSystem())
    throws -> Record
  {
    guard let data = try? fileSystem.readData(folder + "/instance.json") else {
      throw InstanceError(kind: .missingInput, message: "no instance at '\(folder)'")
    }
    return try decoder.decode(Record.self, from: data)
  }

  static let decoder: JSONDecoder = {
    let decoder = JSONDecoder()
    decoder.dateDecodingStrategy = .iso8601
    return decoder
  }()

  /// Written whole or not at all (temporary file, then rename).
  static func write<Value: Encodable>(_ value: Value, to path: String, fileSystem: any FileSystem)
    throws
  {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    encoder.dateEncodingStrategy = .iso8601
    let data = try encoder.encode(value)
    try fileSystem.writeData(data, to: path)
  }

  /// Field 22 of /proc/PID/stat (after the parenthesised command name, which may hold blanks).
  static func startTime(of pid: Int32) -> UInt64? {
    statFields(of: pid).flatMap { $0.count > 19 ? UInt64($0[19]) : nil }
  }

  static func processState(of pid: Int32) -> String? {
    statFields(of: pid)?.first
  }

  /// The fields of /proc/PID/stat from the third (state) on.
  static func statFields(of pid: Int32) -> [String]? {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
      let close = text.lastIndex(of: ")")
    else { return nil }
    return text[text.index(after: close)...].split(separator: " ").map(String.init)
  }
}

/// A `kraft ps/logs/stop/rm` or `run --detach` problem.
public struct InstanceError: KraftError {
  public var kind: ErrorKind
  public var message: String

  public init(kind: ErrorKind, message: String) {
    self.kind = kind
    self.message = message
  }
}

extension String {
  fileprivate func trimmingSuffix(_ suffix: String) -> String {
    hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
  }
}
