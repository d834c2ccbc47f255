import ArgumentParser
import Foundation
import KraftBasics
import KraftModel

/// The root command. Each subcommand lives in its own file; only commands that work are
/// listed here, so `--help` never advertises something unfinished.
public struct Kraft: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "kraft",
    abstract: "Build and run unikernels from a Kraftfile.",
    discussion: """
      kraft reads a Kraftfile (Unikraft's format, spec v0.5/v0.6) in the current folder, or \
      the one named by -K/--kraftfile, and builds one bootable image per target.

      EXIT STATUS
      \(ExitStatus.helpTable)
      """,
    version: KraftVersion.current,
    subcommands: [
      VersionCommand.self,
      InitCommand.self,
      ValidateCommand.self,
      BuildCommand.self,
      RunCommand.self,
      PsCommand.self,
      LogsCommand.self,
      StopCommand.self,
      RmCommand.self,
      SuperviseCommand.self,
      CleanCommand.self,
      ProperCleanCommand.self,
      ConfigCommand.self,
      VerifyCommand.self,
      PkgCommand.self,
      PortCommand.self,
      FetchCommand.self,
      LockCommand.self,
      MirrorCommand.self,
      LoginCommand.self,
    ]
  )

  public init() {}

  /// Parses and runs like ArgumentParser's own `main()`, except that a `KraftError` is
  /// reported by `ErrorReporter` (diagnostics with source line and caret) and exits with its
  /// kind's status; anything else a command throws is reported as an internal error (70).
  /// ArgumentParser's usage errors, `--help` and `--version` keep its handling (64, 0).
  public static func main() {
    var command: any ParsableCommand
    do {
      command = try parseAsRoot()
    } catch {
      exit(withError: error)
    }
    do {
      try command.run()
    } catch let error as any KraftError {
      Foundation.exit(reporter.report(error))
    } catch let error where isArgumentParserError(error) {
      exit(withError: error)
    } catch {
      Foundation.exit(reporter.report(InternalError(underlying: "\(error)")))
    }
  }

  /// Help, usage errors and clean exits, thrown while parsing or by a command's `run()` (a
  /// `--help` turns into a help command that throws). Some of these types are internal to
  /// ArgumentParser, so they are recognised by the module that defines them.
  private static func isArgumentParserError(_ error: any Error) -> Bool {
    error is ExitCode || error is CleanExit || error is ValidationError
      || String(reflecting: type(of: error)).hasPrefix("ArgumentParser.")
  }

  private static var reporter: ErrorReporter {
    ErrorReporter(
      output: StandardStream.error, fileSystem: LocalFileSystem(),
      environment: ProcessInfo.processInfo.environment)
  }
}
