import Foundation

/// A python3 HTTP server on 127.0.0.1 for fetch tests: static files from a folder, a path
/// prefix whose responses are cut off half-way (an interrupted download), and git smart HTTP
/// through `git http-backend` as CGI. It logs every request so tests can count downloads.
final class LoopbackHTTPServer {
  let port: Int
  let root: String
  private let process: Process
  private let logPath: String

  /// Serves `root`: `/files/<p>` -> `root/<p>`, `/drop/<p>` -> half of `root/<p>` then a
  /// closed connection, `/git/<repo>/...` -> `git http-backend` over `root`.
  init(root: String) throws {
    self.root = root
    let script = try TestScratch.make("http") + "/server.py"
    try Self.script.write(toFile: script, atomically: true, encoding: .utf8)
    logPath = script + ".log"
    let output = Pipe()
    process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", script, root, logPath]
    process.standardOutput = output
    try process.run()
    let line = output.fileHandleForReading.readLine()
    guard let port = Int(line.trimmingCharacters(in: .whitespacesAndNewlines)) else {
      kill(process.processIdentifier, SIGKILL)
      throw TestFailure("http server did not start: '\(line)'")
    }
    self.port = port
  }

  var baseURL: String { "http://127.0.0.1:\(port)" }

  /// Request paths served so far, in order.
  var requests: [String] {
    ((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "")
      .split(separator: "\n").map(String.init)
  }

  /// SIGKILL: the test runner blocks SIGTERM in its threads and children inherit the mask,
  /// so a plain `terminate()` would leave the server running.
  func stop() {
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
  }

  deinit { if process.isRunning { stop() } }

  private static let script = #"""
    import http.server, os, socketserver, subprocess, sys
    root, log = sys.argv[1], sys.argv[2]

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def record(self):
            with open(log, "a") as f:
                f.write(self.path + "\n")

        def do_GET(self):
            self.record()
            if self.path.startswith("/git/"):
                return self.git()
            drop = self.path.startswith("/drop/")
            prefix = "/drop/" if drop else "/files/"
            if not self.path.startswith(prefix):
                return self.send_error(404)
            path = os.path.join(root, self.path[len(prefix):])
            if not os.path.isfile(path):
                return self.send_error(404)
            data = open(path, "rb").read()
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[: len(data) // 2] if drop else data)
            self.wfile.flush()
            if drop:
                self.connection.shutdown(2)
                self.close_connection = True

        def do_POST(self):
            self.record()
            self.git()

        def git(self):
            path, _, query = self.path[len("/git"):].partition("?")
            env = dict(os.environ, GIT_PROJECT_ROOT=root, GIT_HTTP_EXPORT_ALL="1",
                       PATH_INFO=path, QUERY_STRING=query, REQUEST_METHOD=self.command,
                       CONTENT_TYPE=self.headers.get("Content-Type", ""),
                       REMOTE_ADDR="127.0.0.1")
            body = b""
            if "Content-Length" in self.headers:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                env["CONTENT_LENGTH"] = str(len(body))
            out = subprocess.run(["git", "http-backend"], input=body, env=env,
                                 capture_output=True).stdout
            head, _, payload = out.partition(b"\r\n\r\n")
            status = 200
            headers = []
            for line in head.split(b"\r\n"):
                name, _, value = line.decode().partition(":")
                if name.lower() == "status":
                    status = int(value.strip().split()[0])
                elif name:
                    headers.append((name, value.strip()))
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
        daemon_threads = True

    server = Server(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()
    """#
}

extension FileHandle {
  /// One line from a pipe, byte by byte (the server prints its port, then stays quiet).
  func readLine() -> String {
    var bytes: [UInt8] = []
    while let byte = try? read(upToCount: 1), let first = byte.first, first != 10 {
      bytes.append(first)
    }
    return String(decoding: bytes, as: UTF8.self)
  }
}

struct TestFailure: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}
