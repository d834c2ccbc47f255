import Foundation
import KraftBasics
import KraftModel

/// Boots an image and waits for it: the console goes to `output` as it arrives (crash frames
/// symbolised, kraft's status line removed), and the monitor's status is decoded into the
/// application's. The VM never outlives the call: see `TiedMonitorRunner`.
public struct UnikernelRunner: Sendable {
  public var runner: ProcessRunner
  public var monitorRunner: MonitorRunner
  public var fileSystem: FileSystem
  public var commands: VirtualMachineCommand
  public var locator: ExecutableLocator

  /// `runner` runs helpers (the symbolizer); `monitorRunner` the virtual machine monitor.
  public init(
    runner: ProcessRunner, monitorRunner: MonitorRunner = TiedMonitorRunner(), fileSystem: FileSystem,
    locator: ExecutableLocator = ExecutableLocator()
  ) {
    self.runner = runner
    self.monitorRunner = monitorRunner
    self.fileSystem = fileSystem
    self.commands = VirtualMachineCommand(locator: locator)
    self.locator = locator
  }

  /// `timeout` in seconds (nil: none); `debugImage` is used to symbolise crash reports.
  public func run(
    _ request: RunRequest, debugImage: String?, timeout: Int?, scratchDirectory: String,
    output: ConsoleOutput
  ) throws -> ExitStatusDecoder.Decoded {
    guard fileSystem.exists(request.image) else {
      throw RunFailure(message: "image '\(request.image)' does not exist; run 'kraft build' first")
    }
    let monitor = try commands.monitor(for: request, scratchDirectory: scratchDirectory)
    if case .firecracker(_, let configuration, let path) = monitor {
      try fileSystem.writeText(configuration, to: path)
    }
    let symbolizer = debugImage.map { CrashSymbolizer(debugImage: $0, runner: runner, locator: locator) }
    let console = ConsoleStream(
      output: output, annotate: symbolizer.map { symbolizer in { symbolizer.annotate($0) } })
    let exit = try monitorRunner.run(monitor.command, timeout: timeout) { try console.feed($0) }
    try console.finish()
    if let signal = exit.interruptedBy {
      return ExitStatusDecoder.Decoded(
        status: 128 + signal,
        explanation: "stopped by \(Self.signalName(signal)); the virtual machine was stopped too")
    }
    if exit.timedOut {
      throw RunFailure(
        message:
          "the unikernel did not stop within \(timeout ?? 0) seconds; it was stopped (raise '--timeout' if it needs longer)"
      )
    }
    if case .firecracker = monitor {
      guard let value = console.reportedValue else {
        return ExitStatusDecoder.Decoded(
          status: ExitStatusDecoder.noReportStatus,
          explanation: "Firecracker stopped without the unikernel reporting a status")
      }
      return ExitStatusDecoder.decode(v: value)
    }
    return ExitStatusDecoder.decode(qemuStatus: exit.status, architecture: request.target.architecture)
  }

  static func signalName(_ signal: Int32) -> String {
    switch signal {
    case SIGINT: return "SIGINT (Ctrl-C)"
    case SIGTERM: return "SIGTERM"
    case SIGHUP: return "SIGHUP"
    default: return "signal \(signal)"
    }
  }
}
