import Foundation
import KraftBasics
import KraftModel

/// The fixed world a `prepare:` step runs in, the same on every machine: a clean environment
/// (only the variables below and the step's inputs), a fixed `PATH`, the epoch as the source
/// date, the C locale, UTC, and no network (a new network namespace through `unshare -n`,
/// possible as root; otherwise the step runs with the host's network and says so).
enum PrepareEnvironment {
  /// Where the step's tools are looked up, and the only `PATH` the step sees.
  static let path = "/usr/local/bin:/usr/bin:/bin"
  static let sourceDateEpoch = "0"

  static var locator: ExecutableLocator {
    ExecutableLocator(searchPath: path.split(separator: ":").map(String.init))
  }

  /// The command running `script` in `directory`.
  static func command(
    script: String, inputs: [PrepareStep.Input], directory: String, isolateNetwork: Bool
  ) -> ProcessCommand {
    var arguments = [
      "-i", "PATH=\(path)", "HOME=\(directory)", "SOURCE_DATE_EPOCH=\(sourceDateEpoch)",
      "LC_ALL=C", "TZ=UTC",
    ]
    arguments += inputs.map { "\($0.name)=\($0.value)" }
    if isolateNetwork, let unshare = locator.find("unshare") { arguments += [unshare, "-n"] }
    arguments += ["/bin/sh", "-euc", script, "prepare"]
    return ProcessCommand("/usr/bin/env", arguments, workingDirectory: directory)
  }

  /// Whether `unshare -n` works here (root, and a kernel that allows network namespaces).
  static func canIsolateNetwork(runner: ProcessRunner) -> Bool {
    guard geteuid() == 0, let unshare = locator.find("unshare") else { return false }
    return (try? runner.capture(ProcessCommand(unshare, ["-n", "/bin/true"])).status) == 0
  }

  /// Each tool's path and the first non-empty line of its `--version` output (stdout, else
  /// stderr). A tool missing or without `--version` stops the step before it runs.
  static func probe(_ tools: [String], port: String, runner: ProcessRunner) throws
    -> [PreparedTool]
  {
    try tools.map { tool in
      guard let path = locator.find(tool) else {
        throw FetchError(
          .missingTool,
          "the 'prepare:' step of '\(port)' needs '\(tool)', which is not in \(Self.path); "
            + "install it (scripts/install-deps.sh lists what kraft uses)")
      }
      // By name, as the step calls it: some tools print their argv[0] (`/usr/bin/sed (GNU sed)`),
      // which would make the version depend on where the tool is installed.
      let result = try runner.capture(
        ProcessCommand("/usr/bin/env", ["-i", "PATH=\(Self.path)", "LC_ALL=C", tool, "--version"]))
      let line = (result.stdout + "\n" + result.stderr).split(whereSeparator: \.isNewline)
        .map { $0.trimmingCharacters(in: .whitespaces) }.first { !$0.isEmpty }
      guard result.status == 0, let line else {
        throw FetchError(
          .missingTool,
          "'\(path) --version' (a tool of the 'prepare:' step of '\(port)') failed (status "
            + "\(result.status)); kraft records each tool's version, so it must answer '--version'")
      }
      return PreparedTool(name: tool, version: line)
    }
  }
}
