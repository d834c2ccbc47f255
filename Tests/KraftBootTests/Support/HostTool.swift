import Foundation

/// Host programs the boot tests use to make fixtures (tar, chmod...), run by name through
/// `env`, their output left on the test's own.
enum HostTool {
  /// Runs `arguments` and returns the exit status.
  static func status(_ arguments: [String]) throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    try process.run()
    process.waitUntilExit()
    return process.terminationStatus
  }
}
