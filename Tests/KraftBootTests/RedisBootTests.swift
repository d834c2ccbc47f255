import Foundation
import KraftTestSupport
import Testing

/// `kraft init --template redis` (the redis port is the program, no sources), built once per
/// architecture and shared by the tests below.
final class BuiltRedisProject: @unchecked Sendable {
  let folder: URL
  let project: URL
  let initResult: KraftProcess.Result
  let build: KraftProcess.Result
  let architecture: String

  init(architecture: String) throws {
    self.architecture = architecture
    folder = FileManager.default.temporaryDirectory.appendingPathComponent("kraft-redis-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    project = folder.appendingPathComponent("redis-app")
    initResult = try KraftProcess.run(["init", "--template", "redis", "redis-app"], in: folder)
    build = try KraftProcess.run(
      ["build", "-t", "qemu/\(architecture)", "-j", "2"], in: project, timeout: 2400)
  }

  deinit { try? FileManager.default.removeItem(at: folder) }

  static let x86 = SharedFixture { try BuiltRedisProject(architecture: "x86_64") }
  static let arm64 = SharedFixture { try BuiltRedisProject(architecture: "arm64") }
}

/// Debian's `redis-cli` against a published port, optionally with stdin from a file.
enum RedisCLI {
  static let available = FileManager.default.isExecutableFile(atPath: "/usr/bin/redis-cli")

  static func run(port: Int, _ arguments: [String], input: URL? = nil) -> (status: Int32, output: Data) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/redis-cli")
    process.arguments = ["-h", "127.0.0.1", "-p", String(port)] + arguments
    process.standardInput = input.flatMap { try? FileHandle(forReadingFrom: $0) } ?? FileHandle.nullDevice
    let out = Pipe()
    process.standardOutput = out
    process.standardError = out
    guard (try? process.run()) != nil else { return (-1, Data()) }
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, data)
  }

  static func text(port: Int, _ arguments: [String]) -> String {
    String(decoding: run(port: port, arguments).output, as: UTF8.self)
      .trimmingCharacters(in: .whitespacesAndNewlines)
  }
}

@Suite(
  .tags(.slow), .slowTier,
  .enabled(
    if: NetworkSupport.inTree && RedisCLI.available,
    "needs the lwip port, the netdev library and redis-cli (Debian's redis-tools)"))
struct RedisBootTests {
  /// One boot per architecture checks everything a client can do to the server: commands of
  /// each type, a 10 MB value, pipelining, SAVE (BGSAVE answers an error: no fork), a client
  /// leaving mid-command and mid-reply, malformed protocol and more idle connections than maxclients; the
  /// server answers after each, and SHUTDOWN ends the VM with status 0.
  @Test(arguments: ["x86_64", "arm64"])
  func redisCLIDrivesTheServer(architecture: String) async throws {
    let built = try await (architecture == "arm64" ? BuiltRedisProject.arm64 : BuiltRedisProject.x86).value
    #expect(built.initResult.status == 0, "kraft init:\n\(built.initResult.output)")
    #expect(built.build.status == 0, "kraft build:\n\(built.build.output)")
    guard built.build.status == 0 else { return }

    let port = try LoopbackPort.free()
    let serving = try ServingKraft(
      ["run", "-t", "qemu/\(architecture)", "-M", "128M", "-p", "\(port):6379", "--timeout", "400", "."],
      in: built.project)
    let deadline = Date().addingTimeInterval(180)
    while Date() < deadline && serving.process.isRunning && RedisCLI.text(port: port, ["PING"]) != "PONG" {
      usleep(250_000)
    }
    #expect(RedisCLI.text(port: port, ["PING"]) == "PONG", "console:\n\(serving.output)")
    guard serving.process.isRunning else { return }

    #expect(RedisCLI.text(port: port, ["SET", "greeting", "hello"]) == "OK")
    #expect(RedisCLI.text(port: port, ["GET", "greeting"]) == "hello")
    #expect(RedisCLI.text(port: port, ["INCR", "counter"]) == "1")
    #expect(RedisCLI.text(port: port, ["RPUSH", "list", "a", "b", "c"]) == "3")
    #expect(RedisCLI.text(port: port, ["LRANGE", "list", "0", "-1"]) == "a\nb\nc")
    #expect(RedisCLI.text(port: port, ["EVAL", "return redis.call('INCR', KEYS[1])", "1", "counter"]) == "2")

    // Main's deepest recursions, which its stack (the template's CONFIG_MUSL_MAIN_STACK_KIB)
    // must hold: cjson nested to its own limit of 1000 both ways, one level past it refused,
    // and Lua's C calls nested until Lua itself says "C stack overflow".
    let nested = "local t = {} for i = 1, 999 do t = {t} end return #cjson.encode(t)"
    #expect(RedisCLI.text(port: port, ["EVAL", nested, "0"]) == "2000")
    let decoded = "return #cjson.decode(string.rep('[', 1000) .. string.rep(']', 1000))"
    #expect(RedisCLI.text(port: port, ["EVAL", decoded, "0"]) == "1")
    let tooDeep = "return cjson.decode(string.rep('[', 1001) .. string.rep(']', 1001))"
    #expect(RedisCLI.text(port: port, ["EVAL", tooDeep, "0"]).contains("too many nested data structures"))
    let calls = "local function f(n) local ok, e = pcall(f, n + 1) return ok and e or n end return f(0)"
    #expect(Int(RedisCLI.text(port: port, ["EVAL", calls, "0"])) ?? 0 > 100, "console:\n\(serving.output)")

    // 10 MB of random bytes in and out, compared byte for byte.
    var value = Data(count: 10 << 20)
    value.withUnsafeMutableBytes { bytes in
      for index in stride(from: 0, to: bytes.count, by: 8) {
        bytes.storeBytes(of: UInt64.random(in: 0...UInt64.max), toByteOffset: index, as: UInt64.self)
      }
    }
    let valueFile = built.folder.appendingPathComponent("value-\(architecture)")
    try value.write(to: valueFile)
    let stored = RedisCLI.run(port: port, ["-x", "SET", "big"], input: valueFile)
    #expect(String(decoding: stored.output, as: UTF8.self).hasPrefix("OK"))
    let read = RedisCLI.run(port: port, ["--raw", "GET", "big"]).output
    #expect(read.count == value.count + 1 && read.prefix(value.count) == value, "read \(read.count) bytes")

    // Pipelining: 1000 commands sent at once by redis-cli --pipe.
    let pipeFile = built.folder.appendingPathComponent("pipe-\(architecture)")
    try String(repeating: "*2\r\n$4\r\nINCR\r\n$9\r\npipelined\r\n", count: 1000)
      .write(to: pipeFile, atomically: true, encoding: .utf8)
    let piped = String(decoding: RedisCLI.run(port: port, ["--pipe"], input: pipeFile).output, as: UTF8.self)
    #expect(piped.contains("errors: 0, replies: 1000"), "\(piped)")
    #expect(RedisCLI.text(port: port, ["GET", "pipelined"]) == "1000")

    // Saving in the foreground writes dump.rdb; in the background it needs fork: an error.
    #expect(RedisCLI.text(port: port, ["SAVE"]) == "OK", "console:\n\(serving.output)")
    #expect(RedisCLI.text(port: port, ["BGSAVE"]).hasPrefix("ERR"))

    // Abusive clients (a script of raw sockets: redis-cli cannot send them).
    let abuse = Self.python(Self.abusiveClients, String(port))
    #expect(abuse.contains("malformed: -ERR Protocol error"), "\(abuse)")
    #expect(abuse.contains("refused beyond maxclients: -ERR max number of clients reached"), "\(abuse)")
    #expect(RedisCLI.text(port: port, ["PING"]) == "PONG", "console:\n\(serving.output)")
    #expect(RedisCLI.text(port: port, ["GET", "greeting"]) == "hello")

    _ = RedisCLI.run(port: port, ["SHUTDOWN", "NOSAVE"])
    #expect(serving.waitForExit(seconds: 60) == 0, "console:\n\(serving.output)")
  }

  /// What a Python script prints (stdout and stderr).
  static func python(_ script: String, _ arguments: String...) -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script] + arguments
    let out = Pipe()
    process.standardOutput = out
    process.standardError = out
    guard (try? process.run()) != nil else { return "python3 did not start" }
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
  }

  /// Leaves a SET mid-value and a GET of the 10 MB value mid-reply, sends malformed requests,
  /// then holds 230 connections (above the template's maxclients 200; some of them with half a
  /// command sent) and reads what the last one is told unasked.
  static let abusiveClients = """
    import socket, sys, time
    port = int(sys.argv[1])
    def connect():
        s = socket.create_connection(("127.0.0.1", port)); s.settimeout(20); return s
    s = connect(); s.sendall(b"*3\\r\\n$3\\r\\nSET\\r\\n$1\\r\\nx\\r\\n$100000\\r\\nabc"); s.close()
    s = connect(); s.sendall(b"*2\\r\\n$3\\r\\nGET\\r\\n$3\\r\\nbig\\r\\n"); s.recv(65536); s.close()
    s = connect(); s.sendall(b"*abc\\r\\n"); print("malformed:", s.recv(100).decode().strip()); s.close()
    s = connect(); s.sendall(b"*1\\r\\n$999999999999\\r\\n"); print("malformed:", s.recv(100).decode().strip()); s.close()
    idle = [connect() for _ in range(230)]
    for s in idle[:100:2]: s.sendall(b"*2\\r\\n$4\\r\\nECHO\\r\\n$5\\r\\nhal")
    time.sleep(2)
    last = idle[-1]
    print("refused beyond maxclients:", last.recv(100).decode().strip())
    for s in idle: s.close()
    time.sleep(1)
    """
}
