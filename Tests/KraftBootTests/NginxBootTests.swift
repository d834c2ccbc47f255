import Foundation
import KraftTestSupport
import Testing

/// The starter `kraft init --template nginx` writes, with a 100 MiB file added to its rootfs,
/// built once for both of its targets (one `kraft build`, shared by the tests).
final class BuiltNginxSite: @unchecked Sendable {
  let base: URL
  let project: URL
  let build: KraftProcess.Result
  /// The sha256 of rootfs/nginx/html/big.bin, as the host's `openssl dgst` prints it.
  let bigFileHash: String

  static let bigFileSize = 100 * 1024 * 1024
  /// nginx.conf's worker_connections in this site (the starter's 1024 is above lwIP's 128
  /// sockets, CONFIG_LWIP_NUM_SOCKETS, so a flood would meet the network stack's limit before
  /// nginx's).
  static let workerConnections = 24

  init() throws {
    base = FileManager.default.temporaryDirectory.appendingPathComponent("kraft-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
    project = base.appendingPathComponent("site")
    let initialised = try KraftProcess.run(["init", "--template", "nginx", "site"], in: base)
    guard initialised.status == 0 else {
      build = initialised
      bigFileHash = ""
      return
    }
    // The same files once more under /sendfile/, served with `sendfile on` (the kernel's
    // sendfile(2)) where the starter serves them with read and write.
    // Small limits, so that a connection flood meets nginx's own: at most
    // `Self.workerConnections` connections (the listener is one of them), and a client that
    // has not sent its whole request header within 5 s is closed.
    let conf = project.appendingPathComponent("rootfs/nginx/conf/nginx.conf")
    let starterConf = try String(contentsOf: conf, encoding: .utf8)
    try starterConf.replacingOccurrences(
      of: "        location / {",
      with:
        "        location /sendfile/ {\n            alias /nginx/html/;\n            sendfile on;\n        }\n"
        + "        location / {"
    ).replacingOccurrences(
      of: "worker_connections 1024;", with: "worker_connections \(Self.workerConnections);"
    ).replacingOccurrences(
      of: "keepalive_timeout 65;", with: "keepalive_timeout 65;\n    client_header_timeout 5s;"
    ).write(to: conf, atomically: true, encoding: .utf8)
    let big = project.appendingPathComponent("rootfs/nginx/html/big.bin")
    try Self.pseudoRandomBytes(count: Self.bigFileSize).write(to: big)
    bigFileHash = try PortOpenSSLBootTests.hostDigest(["-sha256"], file: big)
    build = try KraftProcess.run(["build", "-j", "2"], in: project, timeout: 2400)
  }

  /// Bytes no compressor or cache would make easy: xorshift64, seeded.
  static func pseudoRandomBytes(count: Int) -> Data {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    var data = Data(count: count)
    data.withUnsafeMutableBytes { raw in
      let words = raw.bindMemory(to: UInt64.self)
      for index in words.indices {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        words[index] = state
      }
    }
    return data
  }

  static let shared = SharedFixture { try BuiltNginxSite() }

  deinit { try? FileManager.default.removeItem(at: base) }
}

@Suite(
  .tags(.slow), .slowTier,
  .enabled(
    if: NetworkSupport.inTree && Curl.available
      && FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl"),
    "needs the lwip and nginx ports, curl and openssl (for sha256)"))
struct NginxBootTests {
  /// `kraft run -p PORT:80`: the starter's 612-byte page and a 100 MiB file by hash, then
  /// clients that misbehave, after each of which nginx still answers.
  @Test(arguments: ["qemu/x86_64", "qemu/arm64"])
  func servesTheStarterSiteAndOutlivesBadClients(target: String) async throws {
    let site = try await BuiltNginxSite.shared.value
    #expect(site.build.status == 0, "kraft init/build:\n\(site.build.output)")
    guard site.build.status == 0 else { return }
    let parts = target.split(separator: "/").map(String.init)
    let port = try LoopbackPort.free()
    let serving = try ServingKraft(
      [
        "run", "--rm", "--plat", parts[0], "--arch", parts[1], "-p", "\(port):80", "-M", "384Mi",
        "--timeout", "900", ".",
      ], in: site.project)
    let url = "http://127.0.0.1:\(port)"
    let page = Curl.firstAnswer(url + "/", within: 240, while: serving)
    #expect(page?.utf8.count == 612, "console:\n\(serving.output)")
    #expect(page?.contains("Welcome to nginx on kraft!") == true)
    guard page != nil else { return }

    // 100 MiB through the guest's TCP stack, byte for byte: by read and write, then by sendfile.
    for path in ["/big.bin", "/sendfile/big.bin"] {
      let download = site.base.appendingPathComponent("big-\(parts[1]).bin")
      #expect(Curl.download(url + path, to: download, timeout: 600) == 0, "\(path):\n\(serving.output)")
      #expect(try PortOpenSSLBootTests.hostDigest(["-sha256"], file: download) == site.bigFileHash, "\(path)")
      try? FileManager.default.removeItem(at: download)
    }
    #expect(Curl.get(url + "/sendfile/") == page)

    // A client that leaves mid-request, and one that leaves mid-answer.
    RawTCPClient(port: port)?.send("GET /big.bin HTTP/1.1\r\nHost: loc")
    if let reader = RawTCPClient(port: port) {
      reader.send("GET /big.bin HTTP/1.1\r\nHost: localhost\r\n\r\n")
      #expect(reader.receive(upTo: 256 * 1024).count == 256 * 1024)
    }
    #expect(Curl.get(url + "/") == page, "after clients that left:\n\(serving.output)")

    // Requests no HTTP client sends get HTTP's answers, not a crash.
    let malformed: [(request: String, status: String)] = [
      ("BREW /pot HTCPCP/1.0\r\n\r\n", "HTTP/1.1 400"),
      ("GET / HTTP/9.9\r\nHost: x\r\n\r\n", "HTTP/1.1 505"),
      ("GET /\(String(repeating: "a", count: 9000)) HTTP/1.1\r\nHost: x\r\n\r\n", "HTTP/1.1 414"),
      ("GET / HTTP/1.1\r\nHost: x\r\nX: \(String(repeating: "b", count: 20000))\r\n\r\n", "HTTP/1.1 400"),
      ("GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n", "HTTP/1.1 400"),
    ]
    for (request, status) in malformed {
      let client = RawTCPClient(port: port)
      client?.send(request)
      let line = client?.statusLine()
      #expect(line?.hasPrefix(status) == true, "\(request.prefix(40)): \(line ?? "no answer")")
    }
    #expect(Curl.get(url + "/") == page, "after malformed requests:\n\(serving.output)")

    // Connections that never send a byte: nginx keeps answering others while they hang, and
    // after they go.
    var idle = (0..<20).compactMap { _ in RawTCPClient(port: port) }
    #expect(idle.count == 20)
    #expect(Curl.get(url + "/", timeout: 20) == page, "beside idle connections:\n\(serving.output)")
    idle.removeAll()

    // A slowloris flood, twice worker_connections: silent connections and ones that send
    // half a header. nginx closes those beyond its limit at once and the others when
    // client_header_timeout (5 s) passes, then answers again.
    let flood = (0..<(2 * BuiltNginxSite.workerConnections)).compactMap { index in
      let client = RawTCPClient(port: port, timeoutSeconds: 60)
      if index % 2 == 1 { client?.send("GET / HTTP/1.1\r\nHost: loc") }
      return client
    }
    #expect(flood.count == 2 * BuiltNginxSite.workerConnections, "connected")
    let started = Date()
    let closedByNginx = flood.filter { $0.waitForPeerClose() }.count
    #expect(closedByNginx == flood.count, "\(closedByNginx) of \(flood.count) closed by nginx")
    #expect(Date().timeIntervalSince(started) < 50, "nginx's own limits closed the flood")
    #expect(Curl.get(url + "/", timeout: 20) == page, "after the flood:\n\(serving.output)")
    #expect(serving.process.isRunning, "console:\n\(serving.output)")
  }
}

extension Curl {
  /// Saves a GET's body to `file`; curl's exit status (0: the whole body arrived).
  static func download(_ url: String, to file: URL, timeout: Int) -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["curl", "-s", "-f", "--max-time", String(timeout), "-o", file.path, url]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return -1 }
    process.waitUntilExit()
    return process.terminationStatus
  }
}
