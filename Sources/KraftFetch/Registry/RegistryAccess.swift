import Foundation
import KraftBasics
import KraftModel

/// How commands reach registries: references parsed with the configured default registry,
/// and clients with the credentials, TLS and transport settings of the command line and the
/// environment. The one place these settings are read.
///
/// - `KRAFT_DEFAULT_REGISTRY`: the registry of a reference that names none.
/// - `KRAFT_REGISTRY_CA_FILE` (or `--ca-file`): a PEM file of extra trusted CAs.
/// - `KRAFT_REGISTRY_CHUNK_SIZE`: bytes per PATCH of a chunked upload (default 8 MiB).
public struct RegistryAccess {
  public var environment: [String: String]
  public var insecure: Bool
  public var caFile: String?
  public var fileSystem: any FileSystem

  public init(
    environment: [String: String] = ProcessInfo.processInfo.environment, insecure: Bool = false,
    caFile: String? = nil, fileSystem: any FileSystem = LocalFileSystem()
  ) {
    self.environment = environment
    self.insecure = insecure
    self.caFile = caFile ?? environment["KRAFT_REGISTRY_CA_FILE"].flatMap { $0.isEmpty ? nil : $0 }
    self.fileSystem = fileSystem
  }

  public var credentials: RegistryCredentialStore {
    RegistryCredentialStore(environment: environment, fileSystem: fileSystem)
  }

  /// `text` as a reference; a usage error that says how to write one otherwise.
  public func reference(_ text: String) throws -> OCIReference {
    do {
      return try OCIReference(parsing: text, defaultRegistry: environment["KRAFT_DEFAULT_REGISTRY"])
    } catch let error as OCIReference.ParseError {
      throw FetchError(.usage, error.description)
    }
  }

  /// A client for `registry` with its stored credential, or `credential` when given (login).
  public func client(for registry: String, credential: RegistryCredential? = nil) throws
    -> RegistryClient
  {
    if let caFile, !fileSystem.exists(caFile) {
      throw FetchError(.usage, "the CA file '\(caFile)' does not exist; give a PEM file's path")
    }
    let chunkSize = environment["KRAFT_REGISTRY_CHUNK_SIZE"].flatMap { Int($0) }
    return RegistryClient(
      registry: registry,
      transport: CurlTransport(tls: TLSPolicy(caFile: caFile, verifyPeer: !insecure)),
      credential: try credential ?? credentials.credential(for: registry), insecure: insecure,
      chunkSize: chunkSize.map { max(1, $0) } ?? RegistryClient.defaultChunkSize)
  }
}
