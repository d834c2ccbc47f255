import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A `kraft run` that serves until told to stop: started in the background with its console in
/// a file, asked over the network with curl, and stopped (SIGTERM) if it outlives the test.
final class ServingKraft {
  let process = Process()
  let log: URL

  /// `prefix` runs kraft under another command, e.g. `ip netns exec NAME`.
  init(_ arguments: [String], in directory: URL, prefix: [String] = []) throws {
    log = FileManager.default.temporaryDirectory.appendingPathComponent(
      "kraft-serve-\(UUID().uuidString).log")
    FileManager.default.createFile(atPath: log.path, contents: nil)
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = prefix + [KraftProcess.binary.path] + arguments
    process.currentDirectoryURL = directory
    process.environment = ProcessInfo.processInfo.environment.merging(["KRAFT_ACCELERATION": "tcg"]) { $1 }
    process.standardInput = FileHandle.nullDevice
    let handle = try FileHandle(forWritingTo: log)
    process.standardOutput = handle
    process.standardError = handle
    try process.run()
  }

  /// What kraft and the guest printed so far.
  var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

  /// Waits for the process to end; its status, or nil when it still runs after `seconds`.
  func waitForExit(seconds: Double) -> Int32? {
    guard RunLifecycleTests.poll(seconds, { !process.isRunning }) else { return nil }
    process.waitUntilExit()
    return process.terminationStatus
  }

  deinit {
    if process.isRunning {
      process.terminate()
      process.waitUntilExit()
    }
    try? FileManager.default.removeItem(at: log)
  }
}

/// HTTP requests with curl (the client a user would use), optionally inside a namespace.
enum Curl {
  static let available = FileManager.default.isExecutableFile(atPath: "/usr/bin/curl")

  /// The body of a GET, or nil when the request failed.
  static func get(_ url: String, prefix: [String] = [], timeout: Int = 3) -> String? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = prefix + ["curl", "-s", "-f", "--max-time", String(timeout), url]
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return nil }
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return process.terminationStatus == 0 ? String(decoding: data, as: UTF8.self) : nil
  }

  /// Asks until the server answers or `seconds` pass (or `serving` ends): the first body.
  static func firstAnswer(
    _ url: String, prefix: [String] = [], within seconds: Double, while serving: ServingKraft
  )
    -> String?
  {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline && serving.process.isRunning {
      if let body = get(url, prefix: prefix) { return body }
      usleep(250_000)
    }
    return nil
  }
}
