import Foundation
import KraftBasics

/// Everything one boot needs, as `kraft run` resolved it from the Kraftfile and its flags: in
/// the foreground it boots at once; with `--detach` it is saved beside the instance and booted
/// by the background `kraft` that supervises it.
public struct InstanceRun: Hashable, Sendable, Codable {
  public var request: RunRequest
  public var debugImage: String?
  public var timeout: Int?
  public var scratchDirectory: String

  public init(request: RunRequest, debugImage: String?, timeout: Int?, scratchDirectory: String) {
    self.request = request
    self.debugImage = debugImage
    self.timeout = timeout
    self.scratchDirectory = scratchDirectory
  }

  /// Boots and waits; the console goes to `output`.
  public func boot(output: ConsoleOutput) throws -> ExitStatusDecoder.Decoded {
    try UnikernelRunner(runner: SystemProcessRunner(), fileSystem: LocalFileSystem()).run(
      request, debugImage: debugImage, timeout: timeout, scratchDirectory: scratchDirectory,
      output: output)
  }
}
