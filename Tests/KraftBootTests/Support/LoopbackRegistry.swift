import Foundation
import KraftTestSupport

/// Debian's `docker-registry` (CNCF distribution 2.8) on a free loopback port, its config and
/// storage in the test's own folder: plain HTTP, or TLS with a CA and server certificate made
/// here with openssl and htpasswd basic auth (bcrypt, made with `htpasswd`).
final class LoopbackRegistry {
  static let binary = "/usr/bin/docker-registry"
  static var isInstalled: Bool {
    FileManager.default.isExecutableFile(atPath: binary)
      && FileManager.default.isExecutableFile(atPath: "/usr/bin/htpasswd")
      && FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl")
  }

  let port: Int
  let folder: URL
  /// Where the registry keeps blobs: `<storage>/docker/registry/v2/blobs/sha256/xx/<hex>/data`.
  let storage: URL
  /// The CA certificate (PEM) that signed the server's, with TLS.
  let caFile: URL?
  private var serverPID: Int32 = 0

  var address: String { "localhost:\(port)" }

  /// `tokenAuth`: bearer tokens from `realm`, signed by the key of `certificate` (PEM), for
  /// the service `kraft-test-registry` from the issuer `kraft-test-issuer` (LoopbackTokenIssuer).
  init(
    folder: URL, tls: Bool, user: (name: String, password: String)? = nil,
    tokenAuth: (realm: String, certificate: URL)? = nil
  ) throws {
    self.folder = folder
    port = try LoopbackPort.free()
    storage = folder.appendingPathComponent("storage")
    try FileManager.default.createDirectory(at: storage, withIntermediateDirectories: true)
    var config = """
      version: 0.1
      log:
        level: error
        accesslog:
          disabled: true
      storage:
        filesystem:
          rootdirectory: \(storage.path)
      http:
        addr: 127.0.0.1:\(port)
        secret: kraft-test-secret

      """
    if tls {
      let ca = try Self.makeCertificates(in: folder)
      caFile = ca
      config += """
          tls:
            certificate: \(folder.path)/server.pem
            key: \(folder.path)/server.key

        """
    } else {
      caFile = nil
    }
    if let user {
      try Self.shell(
        "htpasswd -Bbc \(folder.path)/htpasswd '\(user.name)' '\(user.password)' >/dev/null 2>&1")
      config += """
        auth:
          htpasswd:
            realm: kraft-test
            path: \(folder.path)/htpasswd

        """
    }
    if let tokenAuth {
      config += """
        auth:
          token:
            realm: \(tokenAuth.realm)
            service: \(LoopbackTokenIssuer.service)
            issuer: \(LoopbackTokenIssuer.issuer)
            rootcertbundle: \(tokenAuth.certificate.path)

        """
    }
    let configFile = folder.appendingPathComponent("config.yml")
    try config.write(to: configFile, atomically: true, encoding: .utf8)
    // Started in the background by a shell that prints its pid and exits. The server's own
    // subshell closes every descriptor above 2 first, so it keeps no concurrent test's pipe
    // open (that reader would never see EOF). It is not started by Foundation's Process
    // directly: Process takes the closing of an inherited descriptor for the child's exit and
    // then blocks its monitor thread in waitpid on the running server.
    let launcher = Process()
    launcher.executableURL = URL(fileURLWithPath: "/bin/bash")
    launcher.arguments = [
      "-c",
      """
      (for fd in /proc/$BASHPID/fd/*; do fd=${fd##*/}; [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done
       exec \(Self.binary) serve \(configFile.path)) </dev/null >/dev/null 2>&1 &
      echo $!
      """,
    ]
    launcher.standardInput = FileHandle.nullDevice
    let pidPipe = Pipe()
    launcher.standardOutput = pidPipe
    launcher.standardError = FileHandle.nullDevice
    try launcher.run()
    let pidText = String(decoding: pidPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    launcher.waitUntilExit()
    guard let pid = Int32(pidText.trimmingCharacters(in: .whitespacesAndNewlines)) else {
      throw RegistryTestFailure("could not start docker-registry: '\(pidText)'")
    }
    serverPID = pid
    // Up to 30 s: a loaded CI machine starts the server slowly.
    for _ in 0..<600 {
      if LoopbackPort.accepts(port) { return }
      Thread.sleep(forTimeInterval: 0.05)
    }
    stop()
    throw RegistryTestFailure("docker-registry did not start on port \(port)")
  }

  /// SIGKILL: the test runner's threads block SIGTERM and children inherit the mask. The
  /// server is not this process's child (see init): init reaps it.
  func stop() {
    if serverPID > 0 {
      kill(serverPID, SIGKILL)
      serverPID = 0
    }
  }

  deinit { stop() }

  /// The file the registry stores `digest`'s blob in.
  func blobFile(_ digest: String) -> URL {
    let hex = String(digest.dropFirst("sha256:".count))
    return storage.appendingPathComponent(
      "docker/registry/v2/blobs/sha256/\(hex.prefix(2))/\(hex)/data")
  }

  /// A CA, and a server certificate for localhost and 127.0.0.1 signed by it (P-256, 2 days).
  private static func makeCertificates(in folder: URL) throws -> URL {
    let dir = folder.path
    try shell(
      """
      set -e
      cd '\(dir)'
      openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key \
        -out ca.pem -days 2 -subj /CN=kraft-test-ca
      openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout server.key \
        -out server.csr -subj /CN=localhost
      printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\n' > server.ext
      openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem \
        -days 2 -extfile server.ext
      """)
    return folder.appendingPathComponent("ca.pem")
  }

  static func shell(_ script: String) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    process.arguments = ["-c", script]
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = FileHandle.nullDevice
    let errors = Pipe()
    process.standardError = errors
    try process.run()
    let message = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw RegistryTestFailure("\(script) failed: \(String(decoding: message, as: UTF8.self))")
    }
  }
}

struct RegistryTestFailure: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}
