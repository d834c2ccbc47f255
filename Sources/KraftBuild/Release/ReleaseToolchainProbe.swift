import Foundation
import KraftBasics
import KraftModel

/// Asks each program of a toolchain for its version: the first line of `--version`, which
/// names the release and (for clang and ld.lld) the exact commit it was built from.
public struct ReleaseToolchainProbe: Sendable {
  public var runner: ProcessRunner

  public init(runner: ProcessRunner) {
    self.runner = runner
  }

  public func probe(_ toolchain: Toolchain) throws -> ReleaseToolchain {
    ReleaseToolchain(
      family: toolchain.family.rawValue, compiler: try version(of: toolchain.compiler),
      linker: try version(of: toolchain.linker), objcopy: try version(of: toolchain.objcopy))
  }

  func version(of program: String) throws -> String {
    let result = try runner.capture(ProcessCommand(program, ["--version"]))
    let first = (result.stdout + result.stderr).split(separator: "\n").first.map(String.init)
    guard result.status == 0, let first, !first.isEmpty else {
      throw ReleaseError(
        .missingTool,
        "cannot tell the version of '\(program)' ('\(program) --version' failed); a release build must record it"
      )
    }
    return first.trimmingCharacters(in: .whitespaces)
  }
}
