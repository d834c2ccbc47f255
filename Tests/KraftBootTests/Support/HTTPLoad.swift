import Foundation

/// Host-side clients for Tests/Images/net-http-load: curl for sequential requests and
/// transfers, wrk for many connections at once, sha256sum for the hashes. `prefix` runs the
/// clients under another command, e.g. `ip netns exec NAME`.
enum HTTPLoad {
  static let wrkAvailable = HostProcess.find("wrk") != nil
  static let dnsmasqAvailable = HostProcess.find("dnsmasq") != nil

  struct Failed: Error, CustomStringConvertible { var description: String }

  /// The guest's available memory in bytes (free, and what the kernel's caches would give
  /// back: the mmap run cache), from its /meminfo endpoint.
  static func availableMemory(_ base: String, prefix: [String] = []) throws -> Int {
    let text = Curl.get(base + "/meminfo", prefix: prefix, timeout: 30) ?? ""
    let words = text.split(whereSeparator: \.isWhitespace)
    guard let at = words.firstIndex(of: "MemAvailable"), at + 1 < words.count,
      let bytes = Int(words[at + 1]), bytes > 0
    else { throw Failed(description: "no available memory figure in '\(text)'") }
    return bytes
  }

  /// Waits (up to 60 s) until the server is idle: the only open connection is the one asking,
  /// and none was accepted in the last two seconds but the asking ones. (QEMU's user networking
  /// keeps opening connections a client made, towards the guest, for a while after the client
  /// has closed them.)
  static func waitUntilSettled(_ base: String, prefix: [String] = []) -> Bool {
    func accepted() -> Int? {
      guard let text = Curl.get(base + "/stats", prefix: prefix, timeout: 30), text.contains(" open 1 ")
      else { return nil }
      return Int(text.split(separator: " ")[1])
    }
    let deadline = Date().addingTimeInterval(60)
    var last = accepted()
    while Date() < deadline {
      sleep(2)
      let now = accepted()
      if let last, let now, now == last + 1 { return true }
      last = now
    }
    return false
  }

  /// `count` GETs of url one after another from one curl, each on a new connection (the request
  /// says "Connection: close", the server says it back and curl closes first): how many were
  /// answered 200 on a connection of their own, and the other outcomes.
  static func sequential(_ url: String, count: Int, prefix: [String] = []) throws -> (
    answered: Int, problems: [String]
  ) {
    let config = FileManager.default.temporaryDirectory.appendingPathComponent("kraft-urls-\(UUID())")
    defer { try? FileManager.default.removeItem(at: config) }
    let entry = "url = \"\(url)\"\noutput = \"/dev/null\"\n"
    try String(repeating: entry, count: count).write(to: config, atomically: true, encoding: .utf8)
    let run = try client(
      prefix, "curl",
      [
        "-s", "-H", "Connection: close", "--max-time", "30", "-K", config.path, "-w",
        "%{http_code} %{num_connects}\\n",
      ],
      timeout: 900)
    let outcomes = run.stdout.split(separator: "\n")
    return (outcomes.filter { $0 == "200 1" }.count, outcomes.filter { $0 != "200 1" }.map(String.init))
  }

  /// wrk with `connections` connections on two threads for `seconds` (timeouts generous: TCG).
  static func wrk(_ url: String, connections: Int, seconds: Int, prefix: [String] = []) throws
    -> KraftProcess.Result
  {
    try client(
      prefix, "wrk", ["-t", "2", "-c", String(connections), "-d", "\(seconds)s", "--timeout", "30s", url],
      timeout: TimeInterval(seconds + 120))
  }

  /// The request count of wrk's "N requests in ..." line.
  static func requests(in wrkOutput: String) -> Int {
    wrkOutput.split(separator: "\n").lazy.compactMap { line -> Int? in
      let words = line.split(separator: " ")
      return words.count > 2 && words[1] == "requests" ? Int(words[0]) : nil
    }.first ?? 0
  }

  static func sha256(of file: URL) throws -> String {
    let run = try HostProcess.run("sha256sum", [file.path], timeout: 300)
    return run.stdout.split(separator: " ").first.map(String.init) ?? ""
  }

  /// A GET of url into a file: its size and SHA-256, and the X-Sha256 the guest announced.
  static func download(_ url: String, prefix: [String] = []) throws -> (
    bytes: Int, sha256: String, announced: String
  ) {
    let body = FileManager.default.temporaryDirectory.appendingPathComponent("kraft-blob-\(UUID())")
    defer { try? FileManager.default.removeItem(at: body) }
    let run = try client(prefix, "curl", ["-s", "-f", "-D", "-", "-o", body.path, url], timeout: 600)
    guard run.status == 0 else { throw Failed(description: "curl \(url): \(run.output)") }
    let announced =
      run.stdout.split(separator: "\r\n").first { $0.lowercased().hasPrefix("x-sha256: ") }
      .map { String($0.dropFirst(10)) } ?? "(no X-Sha256 header)"
    let bytes = (try FileManager.default.attributesOfItem(atPath: body.path)[.size] as? Int) ?? -1
    return (bytes, try sha256(of: body), announced)
  }

  /// POSTs `bytes` random bytes to url: the SHA-256 the guest answers and the host's own.
  static func upload(_ url: String, bytes: Int, prefix: [String] = []) throws -> (guest: String, host: String)
  {
    let body = FileManager.default.temporaryDirectory.appendingPathComponent("kraft-upload-\(UUID())")
    defer { try? FileManager.default.removeItem(at: body) }
    let made = try HostProcess.run(
      "dd", ["if=/dev/urandom", "of=" + body.path, "bs=1M", "count=\(bytes / (1024 * 1024))", "status=none"],
      timeout: 120)
    guard made.status == 0 else { throw Failed(description: "dd: \(made.output)") }
    // "Expect:" off: the server answers no 100-continue, and curl would wait a second for it.
    let run = try client(
      prefix, "curl",
      [
        "-s", "-f", "-H", "Expect:", "-H", "Content-Type: application/octet-stream", "--data-binary",
        "@" + body.path, url,
      ], timeout: 600)
    guard run.status == 0 else { throw Failed(description: "curl POST \(url): \(run.output)") }
    return (run.stdout.trimmingCharacters(in: .whitespacesAndNewlines), try sha256(of: body))
  }

  /// `name arguments` on the host, or under `prefix`.
  private static func client(_ prefix: [String], _ name: String, _ arguments: [String], timeout: TimeInterval)
    throws -> KraftProcess.Result
  {
    guard let runner = prefix.first else { return try HostProcess.run(name, arguments, timeout: timeout) }
    return try HostProcess.run(runner, Array(prefix.dropFirst()) + [name] + arguments, timeout: timeout)
  }
}
