import Foundation

/// A command to run: an executable (absolute path or a name looked up on `PATH`), its
/// arguments, and optionally a working folder and extra environment.
public struct ProcessCommand: Hashable, Sendable {
  public var executable: String
  public var arguments: [String]
  public var workingDirectory: String?
  /// Added to (and overriding) the inherited environment.
  public var environment: [String: String]

  public init(
    _ executable: String, _ arguments: [String] = [], workingDirectory: String? = nil,
    environment: [String: String] = [:]
  ) {
    self.executable = executable
    self.arguments = arguments
    self.workingDirectory = workingDirectory
    self.environment = environment
  }

  /// The command as a shell would show it, for `-v` output and error messages.
  public var shellLine: String {
    ([executable] + arguments).map(ShellQuoting.quote).joined(separator: " ")
  }
}

/// What a finished process left behind. `output` holds stdout then stderr when captured.
public struct ProcessResult: Hashable, Sendable {
  public var status: Int32
  public var stdout: String
  public var stderr: String

  public init(status: Int32, stdout: String = "", stderr: String = "") {
    self.status = status
    self.stdout = stdout
    self.stderr = stderr
  }
}

/// How a process's standard streams are connected.
public enum ProcessOutputMode: Sendable {
  /// Both streams captured into the result.
  case capture
  /// The process shares kraft's terminal (QEMU's serial console, an interactive tool).
  case inherit
  /// stdout and stderr merged and handed over line by line as they arrive; stdin inherited.
  case lines(@Sendable (String) -> Void)
}

/// Runs external programs. Builds and `kraft run` go through this protocol so that their
/// logic can be tested with a fake that records commands and returns canned results.
public protocol ProcessRunner: Sendable {
  func run(_ command: ProcessCommand, output: ProcessOutputMode) throws -> ProcessResult
}

extension ProcessRunner {
  /// Runs with both streams captured.
  public func capture(_ command: ProcessCommand) throws -> ProcessResult {
    try run(command, output: .capture)
  }
}

/// The process could not be started at all (missing executable, bad working folder).
public struct ProcessLaunchError: Error, CustomStringConvertible {
  public var command: String
  public var reason: String
  public var description: String { "cannot run '\(command)': \(reason)" }
}

/// Quotes words for display the way a POSIX shell would need them.
public enum ShellQuoting {
  public static func quote(_ word: String) -> String {
    let safe = CharacterSet(
      charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%")
    if !word.isEmpty && word.unicodeScalars.allSatisfy({ safe.contains($0) }) { return word }
    return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }
}
