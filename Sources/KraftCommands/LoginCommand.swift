import ArgumentParser
import Foundation
import KraftFetch

/// `kraft login REGISTRY -u USER --password-stdin`: checks the credentials against the
/// registry and stores them in the docker config file, which docker, podman and kraft read.
struct LoginCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "login",
    abstract: "Log in to an OCI registry (credentials go to the docker config file).",
    discussion: """
      The password (or token) is read from standard input, never from the command line. It is \
      checked against the registry first, then written to $DOCKER_CONFIG/config.json (default \
      ~/.docker/config.json) with mode 0600. See docs/registries.md.
      """)

  @Argument(help: ArgumentHelp("The registry: HOST or HOST:PORT.", valueName: "registry"))
  var registry: String

  @Option(name: [.short, .long], help: "The user name.")
  var username: String

  @Flag(help: "Read the password from standard input (required).")
  var passwordStdin = false

  @OptionGroup var registryOptions: RegistryOptions

  func validate() throws {
    guard passwordStdin else {
      throw ValidationError("give the password on standard input with '--password-stdin'")
    }
    guard !registry.isEmpty, !registry.contains("/") else {
      throw ValidationError("'\(registry)' is not a registry; write HOST or HOST:PORT")
    }
  }

  func run() throws {
    var password = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
    while password.hasSuffix("\n") || password.hasSuffix("\r") { password.removeLast() }
    guard !password.isEmpty else {
      throw ValidationError("standard input held no password")
    }
    let access = registryOptions.access
    let credential = RegistryCredential(username: username, password: password)
    try access.client(for: registry, credential: credential).checkAccess()
    try access.credentials.store(credential, for: registry)
    print("logged in to \(registry) (saved in \(access.credentials.dockerConfigPath))")
  }
}
