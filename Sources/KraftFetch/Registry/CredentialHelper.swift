import Foundation
import KraftBasics

/// Runs a docker credential helper: `docker-credential-<name> get`, the registry on standard
/// input, `{"ServerURL","Username","Secret"}` on standard output (docker's
/// docker-credential-helpers protocol, which podman follows too). A protocol so the parsing
/// is testable; `ProcessCredentialHelperRunner` is the real one.
public protocol CredentialHelperRunner: Sendable {
  /// The helper's exit status, standard output and standard error.
  func get(helper: String, serverURL: String) throws -> ProcessResult
}

/// Finds `docker-credential-<name>` on `PATH` and runs it.
public struct ProcessCredentialHelperRunner: CredentialHelperRunner {
  public var environment: [String: String]

  public init(environment: [String: String]) {
    self.environment = environment
  }

  public func get(helper: String, serverURL: String) throws -> ProcessResult {
    let program = "docker-credential-" + helper
    let folders = (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":")
    guard let path = ExecutableLocator(searchPath: folders.map(String.init)).find(program) else {
      throw FetchError(
        .missingTool,
        "the credential helper '\(program)' that the docker config names for '\(serverURL)' is "
          + "not on PATH; install it, or remove it from the config and use 'kraft login'")
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = ["get"]
    process.environment = environment
    let input = Pipe()
    let output = Pipe()
    let errors = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    input.fileHandleForWriting.write(Data(serverURL.utf8))
    try input.fileHandleForWriting.close()
    // Small outputs (a JSON object, an error line): reading one pipe after the other is safe.
    let stdout = output.fileHandleForReading.readDataToEndOfFile()
    let stderr = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return ProcessResult(
      status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
      stderr: String(decoding: stderr, as: UTF8.self))
  }
}

enum CredentialHelper {
  /// docker-credential-helpers' answer when it has nothing for the server.
  static let notFound = "credentials not found"

  /// The helper's credential for `registry`; nil when it has none.
  static func credential(
    helper: String, registry: String, runner: any CredentialHelperRunner, configPath: String
  ) throws -> RegistryCredential? {
    let result = try runner.get(helper: helper, serverURL: registry)
    let program = "docker-credential-" + helper
    guard result.status == 0 else {
      if (result.stdout + result.stderr).lowercased().contains(notFound) { return nil }
      throw FetchError(
        .fetchFailed,
        "the credential helper '\(program)' (named in '\(configPath)') failed for '\(registry)' "
          + "with exit status \(result.status): "
          + (result.stderr + result.stdout).trimmingCharacters(in: .whitespacesAndNewlines))
    }
    guard
      let object = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
      let username = object["Username"] as? String, let secret = object["Secret"] as? String
    else {
      throw FetchError(
        .invalidInput,
        "the credential helper '\(program)' answered for '\(registry)' with something other "
          + "than {\"Username\",\"Secret\"}; check it with 'echo \(registry) | \(program) get'")
    }
    guard username != "<token>" else {
      throw FetchError(
        .fetchFailed,
        "the credential helper '\(program)' holds an identity token (OAuth refresh token) for "
          + "'\(registry)', which kraft cannot use; log in with 'kraft login \(registry)'")
    }
    return RegistryCredential(username: username, password: secret)
  }
}
