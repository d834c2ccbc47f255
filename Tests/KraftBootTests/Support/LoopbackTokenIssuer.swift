import Foundation
import KraftTestSupport

/// A token service for docker-registry's `auth: token` on a free loopback port: a small
/// Python HTTP server that answers `GET /token?service=...&scope=...` with a JWT (RS256, its
/// certificate in the `x5c` header, which the registry checks against `rootcertbundle`)
/// granting the asked scopes: every action to `user` with the right password (HTTP basic),
/// only `pull` to anyone else, and 401 for a wrong password. Each request is logged to
/// `requests.log` as `<who> <scope> <scope>...`, so tests see what kraft asked for.
final class LoopbackTokenIssuer {
  static let service = "kraft-test-registry"
  static let issuer = "kraft-test-issuer"

  let port: Int
  let folder: URL
  /// The signing key's self-signed certificate, the registry's `rootcertbundle`.
  let certificate: URL
  private let daemon: LoopbackDaemon

  var realm: String { "http://127.0.0.1:\(port)/token" }
  var requests: [String] {
    ((try? String(contentsOf: folder.appendingPathComponent("requests.log"), encoding: .utf8)) ?? "")
      .split(separator: "\n").map(String.init)
  }

  init(folder: URL, user: (name: String, password: String)) throws {
    self.folder = folder
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    port = try LoopbackPort.free()
    certificate = folder.appendingPathComponent("token.pem")
    try LoopbackRegistry.shell(
      """
      set -e
      cd '\(folder.path)'
      openssl req -x509 -newkey rsa:2048 -nodes -keyout token.key -out token.pem -days 2 \
        -subj /CN=kraft-test-token-issuer
      """)
    let script = folder.appendingPathComponent("issuer.py")
    try Self.source.write(to: script, atomically: true, encoding: .utf8)
    daemon = try LoopbackDaemon(
      "/usr/bin/python3",
      [
        script.path, String(port), folder.appendingPathComponent("token.key").path, certificate.path,
        user.name, user.password, Self.issuer, folder.appendingPathComponent("requests.log").path,
      ], port: port, log: folder.appendingPathComponent("issuer.log"))
  }

  func stop() { daemon.stop() }

  deinit { stop() }

  static let source = #"""
    import base64, http.server, json, os, subprocess, sys, threading, time
    from urllib.parse import parse_qs, urlparse

    port, key, cert, user, password, issuer, log = sys.argv[1:8]
    der = subprocess.run(["openssl", "x509", "-in", cert, "-outform", "DER"],
                         capture_output=True, check=True).stdout
    x5c = base64.b64encode(der).decode()
    expected = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()

    def b64(data):
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    class Issuer(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            query = parse_qs(urlparse(self.path).query)
            given = self.headers.get("Authorization")
            scopes = query.get("scope", [])
            who = "anonymous" if given is None else (user if given == expected else "wrong")
            with logged, open(log, "a") as out:
                out.write(" ".join([who] + scopes) + "\n")
            if given is not None and given != expected:
                self.send_response(401)
                self.end_headers()
                return
            access = []
            for scope in scopes:
                kind, name, actions = scope.split(":")
                granted = [a for a in actions.split(",") if given == expected or a == "pull"]
                access.append({"type": kind, "name": name, "actions": granted})
            now = int(time.time())
            header = {"alg": "RS256", "typ": "JWT", "x5c": [x5c]}
            claims = {"iss": issuer, "sub": user if given else "", "aud": query["service"][0],
                      "exp": now + 600, "nbf": now - 60, "iat": now,
                      "jti": os.urandom(8).hex(), "access": access}
            signing = b64(json.dumps(header).encode()) + "." + b64(json.dumps(claims).encode())
            signature = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key],
                                       input=signing.encode(), capture_output=True,
                                       check=True).stdout
            body = json.dumps({"token": signing + "." + b64(signature), "expires_in": 600})
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, *arguments):
            pass

    # A thread per connection and a deep backlog: a slow signing (openssl under load) never
    # leaves a client waiting in a full queue, and a readiness probe never holds up a client.
    logged = threading.Lock()

    class Server(http.server.ThreadingHTTPServer):
        daemon_threads = True
        request_queue_size = 64

    Server(("127.0.0.1", int(port)), Issuer).serve_forever()
    """#
}
