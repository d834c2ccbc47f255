import KraftBasics
import KraftModel

/// Runs a release manifest's rebuild command in a project folder (the fresh copy `kraft
/// verify` made); a protocol so the verifier's logic is testable without compiling.
public protocol ReleaseRebuilder: Sendable {
  func rebuild(_ command: ReleaseRebuildCommand, in directory: String) throws
}

/// Runs the rebuild command as a process: this very `kraft` executable, in the copy, with the
/// manifest's environment and the kernel tree the release used.
public struct ProcessReleaseRebuilder: ReleaseRebuilder {
  public var runner: ProcessRunner
  public var executable: String
  public var kernel: KernelTree
  /// Extra arguments (`--allow-toolchain-change`).
  public var extraArguments: [String]

  public init(
    runner: ProcessRunner, executable: String, kernel: KernelTree, extraArguments: [String] = []
  ) {
    self.runner = runner
    self.executable = executable
    self.kernel = kernel
    self.extraArguments = extraArguments
  }

  public func rebuild(_ command: ReleaseRebuildCommand, in directory: String) throws {
    guard command.arguments.first == "kraft" else {
      throw ReleaseError(
        .invalidInput, "the manifest's rebuild command does not start with 'kraft': \(command.shellLine)")
    }
    let result = try runner.capture(
      ProcessCommand(
        executable, Array(command.arguments.dropFirst()) + extraArguments,
        workingDirectory: directory,
        environment: command.environment.merging(["KRAFT_KERNEL_DIR": kernel.kernelDirectory]) { $1 }))
    guard result.status == 0 else {
      let output = (result.stdout + result.stderr).split(separator: "\n").suffix(30)
        .joined(separator: "\n")
      throw ReleaseError(
        .verificationFailed,
        "the rebuild failed (\(command.shellLine), exit status \(result.status)):\n\(output)")
    }
  }
}
