import Foundation
import KraftBasics
import KraftModel

/// A user name and password (or token) for one registry.
public struct RegistryCredential: Equatable, Sendable {
  public var username: String
  public var password: String

  public init(username: String, password: String) {
    self.username = username
    self.password = password
  }

  /// `base64(user:password)`: the `Authorization: Basic` value and the docker config's `auth`.
  public var basicToken: String { Data("\(username):\(password)".utf8).base64EncodedString() }
}

/// The credentials docker and podman store, read from their config files, and written by
/// `kraft login` (to the docker config, which both tools read).
///
/// Read in this order, the first file with an entry for the registry wins:
/// `$REGISTRY_AUTH_FILE`, `$XDG_RUNTIME_DIR/containers/auth.json` (podman's login),
/// `$XDG_CONFIG_HOME/containers/auth.json` or `~/.config/containers/auth.json` (podman's
/// fallback), `$DOCKER_CONFIG/config.json` or `~/.docker/config.json`. In a file, as docker does, the
/// credential helper `credHelpers` names for the registry is asked first, else the one
/// `credsStore` names; when the helper has nothing for the registry (or there is none), the
/// entry stored in the file itself (`auth`, or `username` and `password`) is used.
public struct RegistryCredentialStore: Sendable {
  public var environment: [String: String]
  public var fileSystem: any FileSystem
  public var helperRunner: any CredentialHelperRunner

  public init(
    environment: [String: String], fileSystem: any FileSystem = LocalFileSystem(),
    helperRunner: (any CredentialHelperRunner)? = nil
  ) {
    self.environment = environment
    self.fileSystem = fileSystem
    self.helperRunner = helperRunner ?? ProcessCredentialHelperRunner(environment: environment)
  }

  /// The files searched, in order.
  public var searchPaths: [String] {
    var paths: [String] = []
    if let file = environment["REGISTRY_AUTH_FILE"], !file.isEmpty { paths.append(file) }
    if let runtime = environment["XDG_RUNTIME_DIR"], !runtime.isEmpty {
      paths.append(runtime + "/containers/auth.json")
    }
    // Podman's read-only fallback (containers-auth.json(5)): where a login made with
    // `--authfile` or on another system, or a file copied in by hand, usually lives.
    let configHome = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? home + "/.config"
    paths.append(configHome + "/containers/auth.json")
    paths.append(dockerConfigPath)
    return paths
  }

  private var home: String { environment["HOME"] ?? NSHomeDirectory() }

  /// Where `kraft login` writes: `$DOCKER_CONFIG/config.json` or `~/.docker/config.json`.
  public var dockerConfigPath: String {
    if let folder = environment["DOCKER_CONFIG"], !folder.isEmpty {
      return folder + "/config.json"
    }
    return home + "/.docker/config.json"
  }

  /// The credential for `registry` (`host` or `host:port`), or nil when no file has one.
  public func credential(for registry: String) throws -> RegistryCredential? {
    for path in searchPaths where fileSystem.exists(path) {
      let document = try Self.document(try fileSystem.readData(path), path: path)
      let stored = try Self.storedCredential(for: registry, in: document, path: path)
      if let helper = Self.helper(for: registry, in: document) {
        do {
          if let credential = try CredentialHelper.credential(
            helper: helper, registry: registry, runner: helperRunner, configPath: path)
          {
            return credential
          }
        } catch let error as FetchError where error.kind == .missingTool && stored != nil {
          // A config copied from a machine with the helper (Docker Desktop's `credsStore`)
          // that also holds the registry's own entry, e.g. from 'kraft login': use that.
        }
      }
      if let stored { return stored }
    }
    return nil
  }

  /// The entry the file itself holds for `registry` (`auths`).
  static func storedCredential(for registry: String, in document: [String: Any], path: String)
    throws -> RegistryCredential?
  {
    let auths = (document["auths"] as? [String: Any] ?? [:]).compactMapValues { $0 as? [String: Any] }
    for (key, entry) in auths where registryKey(key) == registry {
      if let credential = try credential(from: entry, path: path, key: key) { return credential }
    }
    return nil
  }

  /// Adds or replaces the entry for `registry` in the docker config, keeping everything else
  /// in the file; written atomically with mode 0600 (it holds a password).
  public func store(_ credential: RegistryCredential, for registry: String) throws {
    let path = dockerConfigPath
    var document: [String: Any] = [:]
    if fileSystem.exists(path) {
      let data = try fileSystem.readData(path)
      guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
        throw FetchError(
          .invalidInput, "'\(path)' is not a JSON object; fix or remove it, then log in again")
      }
      document = object
    }
    var auths = document["auths"] as? [String: Any] ?? [:]
    for key in auths.keys where Self.registryKey(key) == registry { auths[key] = nil }
    auths[registry] = ["auth": credential.basicToken]
    document["auths"] = auths
    let data = try JSONSerialization.data(
      withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    let folder = (path as NSString).deletingLastPathComponent
    // As docker makes it: only its owner may list or replace what is in it.
    try fileSystem.createDirectory(folder, exactly: 0o700)
    // A new file is created empty with mode 0600 first: the atomic replace keeps an existing
    // file's mode, so the password is never readable by others, not even for a moment.
    if !fileSystem.exists(path) { try fileSystem.createFile(path, contents: Data(), permissions: 0o600) }
    try fileSystem.writeData(data, to: path)
  }

  /// `https://host:port/v1/` and `host:port` name the same registry in these files.
  static func registryKey(_ key: String) -> String {
    var key = Substring(key)
    for scheme in ["https://", "http://"] where key.hasPrefix(scheme) {
      key = key.dropFirst(scheme.count)
    }
    return String(key.split(separator: "/", omittingEmptySubsequences: false).first ?? key)
  }

  static func document(_ data: Data, path: String) throws -> [String: Any] {
    guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
      throw FetchError(.invalidInput, "'\(path)' is not a JSON object; fix or remove it")
    }
    return object
  }

  /// The helper's name (`docker-credential-<name>`): `credHelpers`' for the registry, else
  /// `credsStore`.
  static func helper(for registry: String, in document: [String: Any]) -> String? {
    let perRegistry =
      (document["credHelpers"] as? [String: Any] ?? [:])
      .first { registryKey($0.key) == registry }?.value as? String
    let name = perRegistry ?? document["credsStore"] as? String
    return name.flatMap { $0.isEmpty ? nil : $0 }
  }

  static func credential(from entry: [String: Any], path: String, key: String) throws
    -> RegistryCredential?
  {
    if let auth = entry["auth"] as? String, !auth.isEmpty {
      guard let decoded = Data(base64Encoded: auth).map({ String(decoding: $0, as: UTF8.self) }),
        let colon = decoded.firstIndex(of: ":")
      else {
        throw FetchError(
          .invalidInput,
          "'\(path)': the 'auth' of '\(key)' is not base64 of 'user:password'; log in again")
      }
      return RegistryCredential(
        username: String(decoded[..<colon]),
        password: String(decoded[decoded.index(after: colon)...]))
    }
    if let username = entry["username"] as? String, let password = entry["password"] as? String {
      return RegistryCredential(username: username, password: password)
    }
    return nil
  }
}
