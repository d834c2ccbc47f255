import Foundation
import KraftBasics
import KraftModel

/// Boots an image and waits for it: the console goes to `output` line by line (crash frames
/// symbolised), and the monitor's status is decoded into the application's.
public struct UnikernelRunner: Sendable {
  public var runner: ProcessRunner
  public var fileSystem: FileSystem
  public var commands: VirtualMachineCommand
  public var locator: ExecutableLocator

  public init(
    runner: ProcessRunner, fileSystem: FileSystem, locator: ExecutableLocator = ExecutableLocator()
  ) {
    self.runner = runner
    self.fileSystem = fileSystem
    self.commands = VirtualMachineCommand(locator: locator)
    self.locator = locator
  }

  /// `timeout` in seconds (nil: none); `debugImage` is used to symbolise crash reports.
  public func run(
    _ request: RunRequest, debugImage: String?, timeout: Int?, scratchDirectory: String,
    output: TextOutput
  ) throws -> ExitStatusDecoder.Decoded {
    guard fileSystem.exists(request.image) else {
      throw RunFailure(message: "image '\(request.image)' does not exist; run 'kraft build' first")
    }
    let monitor = try commands.monitor(for: request, scratchDirectory: scratchDirectory)
    var command = monitor.command
    if case .firecracker(_, let configuration, let path) = monitor {
      try fileSystem.writeText(configuration, to: path)
    }
    if let timeout {
      // coreutils' timeout exits 124 at the limit. QEMU's x86 statuses are odd, so they never
      // collide; on arm64 an app status of 123 (V = 124) would read as a timeout.
      guard let wrapper = locator.find("timeout") else {
        throw MissingToolError(tool: "timeout", package: "coreutils", purpose: "for 'kraft run --timeout'")
      }
      command = ProcessCommand(
        wrapper, ["--foreground", "-k", "5", String(timeout), command.executable] + command.arguments)
    }
    let symbolizer = debugImage.map { CrashSymbolizer(debugImage: $0, runner: runner, locator: locator) }
    let reported = ReportedStatus()
    let result = try runner.run(
      command,
      output: .lines { raw in
        let line = raw.hasSuffix("\r") ? String(raw.dropLast()) : raw
        if let value = ExitStatusDecoder.statusLineValue(line) { reported.value = value }
        output.write((symbolizer?.annotate(line) ?? line) + "\n")
      })
    if timeout != nil, result.status == 124 {
      throw RunFailure(
        message:
          "the unikernel did not stop within \(timeout!) seconds; it was stopped (raise '--timeout' if it needs longer)"
      )
    }
    if case .firecracker = monitor {
      guard let value = reported.value else {
        return ExitStatusDecoder.Decoded(
          status: ExitStatusDecoder.noReportStatus,
          explanation: "Firecracker stopped without the unikernel reporting a status")
      }
      return ExitStatusDecoder.decode(v: value)
    }
    return ExitStatusDecoder.decode(qemuStatus: result.status, architecture: request.target.architecture)
  }

  /// Written by the output handler, read after the process ended.
  private final class ReportedStatus: @unchecked Sendable {
    var value: Int?
  }
}
