import Foundation

/// Runs real processes with Foundation's `Process`.
public struct SystemProcessRunner: ProcessRunner {
  public init() {}

  public func run(_ command: ProcessCommand, output: ProcessOutputMode) throws -> ProcessResult {
    let process = Process()
    guard let executable = ExecutableLocator().find(command.executable) else {
      throw ProcessLaunchError(command: command.executable, reason: "not found on PATH")
    }
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = command.arguments
    if let folder = command.workingDirectory {
      process.currentDirectoryURL = URL(fileURLWithPath: folder)
    }
    if !command.environment.isEmpty {
      process.environment = ProcessInfo.processInfo.environment.merging(command.environment) {
        $1
      }
    }
    switch output {
    case .inherit:
      try launch(process, command)
      process.waitUntilExit()
      return ProcessResult(status: status(of: process))
    case .capture:
      let out = Pipe()
      let err = Pipe()
      process.standardOutput = out
      process.standardError = err
      process.standardInput = FileHandle.nullDevice
      try launch(process, command)
      // Read stderr on another thread so a chatty process never blocks on a full pipe.
      let errBox = DataBox()
      let group = DispatchGroup()
      group.enter()
      DispatchQueue.global().async {
        errBox.data = err.fileHandleForReading.readDataToEndOfFile()
        group.leave()
      }
      let outData = out.fileHandleForReading.readDataToEndOfFile()
      group.wait()
      process.waitUntilExit()
      return ProcessResult(
        status: status(of: process), stdout: String(decoding: outData, as: UTF8.self),
        stderr: String(decoding: errBox.data, as: UTF8.self))
    case .lines(let handler):
      let pipe = Pipe()
      process.standardOutput = pipe
      process.standardError = pipe
      try launch(process, command)
      var pending = Data()
      let handle = pipe.fileHandleForReading
      while true {
        let chunk = handle.availableData
        if chunk.isEmpty { break }
        pending.append(chunk)
        while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
          handler(String(decoding: pending[pending.startIndex..<newline], as: UTF8.self))
          pending.removeSubrange(pending.startIndex...newline)
        }
      }
      if !pending.isEmpty { handler(String(decoding: pending, as: UTF8.self)) }
      process.waitUntilExit()
      return ProcessResult(status: status(of: process))
    }
  }

  private func launch(_ process: Process, _ command: ProcessCommand) throws {
    do {
      try process.run()
    } catch {
      throw ProcessLaunchError(command: command.executable, reason: "\(error)")
    }
  }

  /// A process killed by a signal reports 128 + signal, as shells do.
  private func status(of process: Process) -> Int32 {
    process.terminationReason == .uncaughtSignal
      ? 128 + process.terminationStatus : process.terminationStatus
  }

  private final class DataBox: @unchecked Sendable {
    var data = Data()
  }
}
