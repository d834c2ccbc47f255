import ArgumentParser
import KraftBasics

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
      VersionCommand.self
    ]
  )

  public init() {}
}
