import Foundation
import KraftTestSupport
import Testing

/// `kraft pkg push/pull`, `kraft login` and `kraft run REF` against Debian's docker-registry
/// (CNCF distribution 2.8) started on loopback by the test: once plain HTTP on localhost, once
/// over TLS with a CA made here and htpasswd basic auth. Uses the shared helloworld build (two
/// targets: the package is a two-platform index), so the only build is the one other boot
/// tests share; every kraft command here gets its own empty cache or store where it matters.
@Suite(
  .tags(.slow), .slowTier,
  .enabled(
    if: LoopbackRegistry.isInstalled, "needs docker-registry, htpasswd and openssl (scripts/install-deps.sh)")
)
struct RegistryTests {
  /// A packaged helloworld in a fresh store, `name` as its reference.
  static func packaged(_ name: String, scratch: URL) async throws -> (store: URL, project: BuiltProject) {
    let project = try await BuiltProject.helloworld.value
    #expect(project.build.status == 0, "kraft build failed:\n\(project.build.output)")
    let store = scratch.appendingPathComponent("store")
    let pkg = try KraftProcess.run(
      ["pkg", "--name", name], in: project.scratch.url, environment: ["KRAFT_CACHE_DIR": store.path])
    #expect(pkg.status == 0, "kraft pkg:\n\(pkg.output)")
    return (store, project)
  }

  /// `kraft login ADDRESS -u ci --password-stdin OPTIONS`, the password piped in as a user would.
  static func login(
    _ address: String, password: String, options: String = "", environment: [String: String]
  ) throws -> KraftProcess.Result {
    try KraftShell.run(
      "printf '\(password)\\n' | \"$KRAFT\" login \(address) -u ci --password-stdin \(options)",
      environment: environment)
  }

  static func scratchFolder() throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "kraft-registry-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
  }

  /// The digest `index.json` of the store at `cache/oci` gives `name`, and every blob file's
  /// own sha256 (which must be its name).
  static func storeContents(_ cache: URL, name: String) throws -> (
    digest: String?, blobsMatch: Bool, blobs: Int
  ) {
    let root = cache.appendingPathComponent("oci")
    let index =
      try? JSONSerialization.jsonObject(
        with: Data(contentsOf: root.appendingPathComponent("index.json"))) as? [String: Any]
    let entries = index?["manifests"] as? [[String: Any]] ?? []
    let digest =
      entries.first {
        ($0["annotations"] as? [String: String])?["org.opencontainers.image.ref.name"] == name
      }?[
        "digest"] as? String
    let blobFolder = root.appendingPathComponent("blobs/sha256")
    let names = ((try? FileManager.default.contentsOfDirectory(atPath: blobFolder.path)) ?? []).filter {
      !$0.hasPrefix(".")
    }
    var match = true
    for name in names {
      let sum = try shellOutput("sha256sum '\(blobFolder.path)/\(name)'").prefix(64)
      if sum != name { match = false }
    }
    return (digest, match, names.count)
  }

  /// Names the package `existing` also `name` in the store's `index.json` (a non-release
  /// `kraft pkg` packs other bytes each time, and a mount needs the same blobs).
  static func addName(_ name: String, sameAs existing: String, store: URL) throws {
    let file = store.appendingPathComponent("oci/index.json")
    var index = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as! [String: Any]
    var entries = index["manifests"] as! [[String: Any]]
    var entry = entries.first { ($0["annotations"] as? [String: String])?[Self.refName] == existing }!
    entry["annotations"] = [Self.refName: name]
    entries.append(entry)
    index["manifests"] = entries
    try JSONSerialization.data(withJSONObject: index).write(to: file)
  }

  static let refName = "org.opencontainers.image.ref.name"

  /// N in "WORD N blobs" of a push's summary line.
  static func count(_ word: String, in output: String) -> Int? {
    guard let range = output.range(of: word + " ") else { return nil }
    return Int(output[range.upperBound...].prefix { $0.isNumber })
  }

  static func shellOutput(_ script: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    process.arguments = ["-c", script]
    let out = Pipe()
    process.standardOutput = out
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
  }

  @Test func plainLocalhostPushTwicePullRunAndACorruptBlob() async throws {
    let scratch = try Self.scratchFolder()
    defer { try? FileManager.default.removeItem(at: scratch) }
    let registry = try LoopbackRegistry(folder: scratch.appendingPathComponent("registry"), tls: false)
    defer { registry.stop() }
    let reference = "\(registry.address)/apps/hello:1.0"
    let (store, project) = try await Self.packaged(reference, scratch: scratch)
    let home = [
      "KRAFT_CACHE_DIR": store.path, "DOCKER_CONFIG": scratch.appendingPathComponent("docker").path,
    ]

    let first = try KraftProcess.run(["pkg", "push", reference], in: project.scratch.url, environment: home)
    #expect(first.status == 0, "first push:\n\(first.output)")
    let uploaded = Self.count("uploaded", in: first.stdout)
    #expect((uploaded ?? 0) >= 4, "\(first.stdout)")
    let pushed = try Self.storeContents(store, name: reference).digest
    #expect(pushed != nil && first.stdout.contains(pushed ?? "?"))

    // The same package again: every blob is found with HEAD, no manifest is stored again.
    let second = try KraftProcess.run(["pkg", "push", reference], in: project.scratch.url, environment: home)
    #expect(second.status == 0, "second push:\n\(second.output)")
    #expect(
      second.stdout.contains(
        "uploaded 0 blobs (0 bytes), \(uploaded ?? -1) already present, 0 mounted, 0 manifests stored"),
      "\(second.stdout)")

    // Another repository of the same registry mounts instead of uploading.
    let copy = "\(registry.address)/apps/copy:1.0"
    try Self.addName(copy, sameAs: reference, store: store)
    let mounted = try KraftProcess.run(
      ["pkg", "push", "--from", "apps/hello", copy], in: project.scratch.url, environment: home)
    #expect(
      mounted.stdout.contains("uploaded 0 blobs (0 bytes), 0 already present, \(uploaded ?? -1) mounted"),
      "\(mounted.output)")

    // An independent client reads what kraft pushed: skopeo gets the same index bytes.
    if FileManager.default.isExecutableFile(atPath: "/usr/bin/skopeo") {
      let raw = try Self.shellOutput(
        "skopeo inspect --raw --tls-verify=false docker://\(reference) | sha256sum")
      #expect("sha256:" + raw.prefix(64) == pushed, "skopeo read another index")
    }

    // Pulled into an empty cache: the same digest, every blob named by its own hash.
    let pullCache = scratch.appendingPathComponent("pull")
    let pull = try KraftProcess.run(
      ["pkg", "pull", reference], in: scratch, environment: ["KRAFT_CACHE_DIR": pullCache.path])
    #expect(pull.status == 0, "pull:\n\(pull.output)")
    let pulled = try Self.storeContents(pullCache, name: reference)
    #expect(pulled.digest == pushed && pulled.blobsMatch && pulled.blobs > uploaded ?? 0, "\(pulled)")

    // `kraft run REF` with an empty cache pulls and boots the host's image.
    let runCache = scratch.appendingPathComponent("run")
    let run = try KraftProcess.run(
      ["run", "--plat", "qemu", "--timeout", "60", reference], in: scratch,
      environment: ["KRAFT_CACHE_DIR": runCache.path])
    #expect(run.status == 0, "kraft run REF:\n\(run.output)")
    #expect(run.stdout.contains("Hello, world!"))

    // A blob corrupted in the registry's storage: the pull fails and stores nothing.
    let storeIndex =
      try JSONSerialization.jsonObject(
        with: Data(
          contentsOf: store.appendingPathComponent("oci/blobs/sha256/" + String(pushed!.dropFirst(7)))))
      as? [String: Any]
    let firstManifest = ((storeIndex?["manifests"] as? [[String: Any]])?.first?["digest"] as? String)!
    let manifest =
      try JSONSerialization.jsonObject(
        with: Data(
          contentsOf: store.appendingPathComponent("oci/blobs/sha256/" + String(firstManifest.dropFirst(7)))))
      as? [String: Any]
    let layer = ((manifest?["layers"] as? [[String: Any]])?.first?["digest"] as? String)!
    let handle = try FileHandle(forUpdating: registry.blobFile(layer))
    try handle.seek(toOffset: 600)
    let byte = try handle.read(upToCount: 1)!
    try handle.seek(toOffset: 600)
    try handle.write(contentsOf: Data([byte[0] ^ 0xff]))
    try handle.close()
    let corruptCache = scratch.appendingPathComponent("corrupt")
    let corrupt = try KraftProcess.run(
      ["pkg", "pull", reference], in: scratch, environment: ["KRAFT_CACHE_DIR": corruptCache.path])
    #expect(corrupt.status != 0)
    #expect(corrupt.stderr.contains("does not match its digest"), "\(corrupt.output)")
    let left = try Self.storeContents(corruptCache, name: reference)
    #expect(left.digest == nil && left.blobs == 0, "\(left)")
  }

  /// A push killed in the middle of a chunked upload (SIGKILL, as a crash or a dropped
  /// connection would stop it) leaves no tag and an abandoned upload session; running it
  /// again finds the finished blobs with HEAD, uploads the rest (in one PUT this time) and
  /// the package pulls back with its digest.
  @Test func aPushKilledMidUploadRestartsCleanly() async throws {
    let scratch = try Self.scratchFolder()
    defer { try? FileManager.default.removeItem(at: scratch) }
    let registry = try LoopbackRegistry(folder: scratch.appendingPathComponent("registry"), tls: false)
    defer { registry.stop() }
    let reference = "\(registry.address)/apps/killed:1.0"
    let (store, project) = try await Self.packaged(reference, scratch: scratch)
    let environment = [
      "KRAFT_CACHE_DIR": store.path, "DOCKER_CONFIG": scratch.appendingPathComponent("docker").path,
    ]

    // 64-byte PATCH chunks: a kernel layer (30 KiB and more) takes hundreds of requests,
    // seconds in which to be seen half sent and killed.
    let push = Process()
    push.executableURL = KraftProcess.binary
    push.arguments = ["pkg", "push", reference]
    push.currentDirectoryURL = project.scratch.url
    push.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
      .merging(["KRAFT_REGISTRY_CHUNK_SIZE": "64"]) { $1 }
    push.standardInput = FileHandle.nullDevice
    push.standardOutput = FileHandle.nullDevice
    let pushLog = scratch.appendingPathComponent("killed-push.log")
    FileManager.default.createFile(atPath: pushLog.path, contents: nil)
    push.standardError = try FileHandle(forWritingTo: pushLog)
    try push.run()
    // An upload session past 4 KiB is a kernel layer (config blobs and layers are 2 KiB at
    // most), not finished: the registry removes a session once its blob is complete.
    let uploads = registry.storage.appendingPathComponent(
      "docker/registry/v2/repositories/apps/killed/_uploads")
    // Watched, and killed, from a thread of its own: a Task.sleep on the busy cooperative pool
    // can oversleep the whole push (CI preview, load 4 on 2 cores), so the session is never
    // seen, and a kill sent after resuming the awaiting task came once only after the push
    // had finished (CI preview, 2026-12-02).
    nonisolated(unsafe) let running = push
    let midUpload = await withCheckedContinuation { (done: CheckedContinuation<Bool, Never>) in
      Thread {
        var seen = false
        for _ in 0..<60000 where running.isRunning {
          let sessions = (try? FileManager.default.contentsOfDirectory(atPath: uploads.path)) ?? []
          seen = sessions.contains { session in
            let data = uploads.appendingPathComponent(session + "/data").path
            let size = (try? FileManager.default.attributesOfItem(atPath: data)[.size] as? Int) ?? 0
            return size > 4096
          }
          if seen { break }
          usleep(1_000)
        }
        if running.isRunning { kill(running.processIdentifier, SIGKILL) }
        done.resume(returning: seen)
      }.start()
    }
    push.waitUntilExit()
    let pushOutput = (try? String(contentsOf: pushLog, encoding: .utf8)) ?? ""
    try #require(midUpload, "the push ended before a kernel upload was under way:\n\(pushOutput)")
    let tags = registry.storage.appendingPathComponent(
      "docker/registry/v2/repositories/apps/killed/_manifests/tags/1.0")
    #expect(!FileManager.default.fileExists(atPath: tags.path), "a killed push left a tag")

    let again = try KraftProcess.run(
      ["pkg", "push", reference], in: project.scratch.url, environment: environment)
    #expect(again.status == 0, "push after the kill:\n\(again.output)")
    let present =
      again.stdout.range(of: #"(\d+) already present"#, options: .regularExpression)
      .map { Int(again.stdout[$0].prefix { $0.isNumber }) ?? 0 } ?? 0
    #expect(present >= 1 && (Self.count("uploaded", in: again.stdout) ?? 0) >= 1, "\(again.stdout)")

    let pullCache = scratch.appendingPathComponent("pull")
    let pull = try KraftProcess.run(
      ["pkg", "pull", reference], in: scratch, environment: ["KRAFT_CACHE_DIR": pullCache.path])
    #expect(pull.status == 0, "pull:\n\(pull.output)")
    let pulled = try Self.storeContents(pullCache, name: reference)
    let pushed = try Self.storeContents(store, name: reference)
    #expect(pulled.digest != nil && pulled.digest == pushed.digest && pulled.blobsMatch, "\(pulled)")
  }

  /// Other tools push `tar+gzip` layers: skopeo compresses kraft's plain tar layers when it
  /// copies a package to a registry. `kraft run REF` verifies the compressed blobs by digest
  /// and the tars in them by the config's diff IDs, and boots the kernel.
  @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/skopeo"), "needs skopeo"))
  func aPackageWithGzipLayersPushedBySkopeoRuns() async throws {
    let project = try await BuiltProject.helloworld.value
    try #require(project.build.status == 0, "kraft build failed:\n\(project.build.output)")
    let scratch = try Self.scratchFolder()
    defer { try? FileManager.default.removeItem(at: scratch) }
    let registry = try LoopbackRegistry(folder: scratch.appendingPathComponent("registry"), tls: false)
    defer { registry.stop() }
    let layout = scratch.appendingPathComponent("layout").path
    let pkg = try KraftProcess.run(
      ["pkg", "-t", "qemu/x86_64", "--output", "oci:" + layout], in: project.scratch.url)
    try #require(pkg.status == 0, "kraft pkg:\n\(pkg.output)")
    let reference = "\(registry.address)/apps/gzipped:1.0"
    let copy = try HostTool.output([
      "skopeo", "copy", "--dest-tls-verify=false", "oci:\(layout):latest-qemu-x86_64",
      "docker://\(reference)",
    ])
    try #require(copy != nil, "skopeo copy failed")
    let raw = try Self.shellOutput("skopeo inspect --raw --tls-verify=false docker://\(reference)")
    #expect(raw.contains("application/vnd.oci.image.layer.v1.tar+gzip"), "\(raw)")

    let run = try KraftProcess.run(
      ["run", "--plat", "qemu", "--timeout", "60", reference], in: scratch,
      environment: ["KRAFT_CACHE_DIR": scratch.appendingPathComponent("run").path])
    #expect(run.status == 0 && run.stdout.contains("Hello, world!"), "kraft run REF:\n\(run.output)")
  }

  /// The bearer flow for real: docker-registry with `auth: token` and a token service on
  /// loopback that signs JWTs with a key and certificate made here. Anonymous clients get
  /// pull-only tokens; `kraft login` and a push need the user's, asked for with exactly the
  /// repository's scopes.
  @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/python3"), "needs python3"))
  func bearerTokensFromATokenServiceForLoginPushAndAnonymousPull() async throws {
    let scratch = try Self.scratchFolder()
    defer { try? FileManager.default.removeItem(at: scratch) }
    let issuer = try LoopbackTokenIssuer(
      folder: scratch.appendingPathComponent("issuer"), user: ("ci", "t0ken pass"))
    defer { issuer.stop() }
    let registry = try LoopbackRegistry(
      folder: scratch.appendingPathComponent("registry"), tls: false,
      tokenAuth: (issuer.realm, issuer.certificate))
    defer { registry.stop() }
    let reference = "\(registry.address)/team/hello:3.0"
    let (store, project) = try await Self.packaged(reference, scratch: scratch)
    let environment = [
      "KRAFT_CACHE_DIR": store.path, "DOCKER_CONFIG": scratch.appendingPathComponent("docker").path,
    ]

    // An anonymous token grants no push: the registry refuses it, and kraft says to log in.
    let anonymous = try KraftProcess.run(
      ["pkg", "push", reference], in: project.scratch.url, environment: environment)
    #expect(
      anonymous.status != 0 && anonymous.stderr.contains("kraft login \(registry.address)"),
      "\(anonymous.output)")
    let wrong = try Self.login(registry.address, password: "nope", environment: environment)
    #expect(wrong.status != 0 && wrong.stderr.contains("token service"), "\(wrong.output)")
    let login = try Self.login(registry.address, password: "t0ken pass", environment: environment)
    #expect(login.status == 0, "kraft login:\n\(login.output)")

    let push = try KraftProcess.run(
      ["pkg", "push", reference], in: project.scratch.url, environment: environment)
    #expect(push.status == 0 && (Self.count("uploaded", in: push.stdout) ?? 0) >= 4, "push:\n\(push.output)")
    let pushed = try Self.storeContents(store, name: reference).digest

    // Pulled with no credentials at all: a pull-only token is enough.
    let pullCache = scratch.appendingPathComponent("pull")
    let pull = try KraftProcess.run(
      ["pkg", "pull", reference], in: scratch,
      environment: [
        "KRAFT_CACHE_DIR": pullCache.path, "DOCKER_CONFIG": scratch.appendingPathComponent("nobody").path,
      ])
    #expect(pull.status == 0, "pull:\n\(pull.output)")
    let pulled = try Self.storeContents(pullCache, name: reference)
    #expect(pulled.digest == pushed && pulled.blobsMatch, "\(pulled)")

    // What kraft asked the token service for: the user's push scope, anonymous pulls.
    let requests = issuer.requests
    #expect(requests.contains("ci repository:team/hello:pull,push"), "\(requests)")
    #expect(requests.contains("anonymous repository:team/hello:pull"), "\(requests)")
    #expect(requests.contains("wrong"), "\(requests)")
  }

  /// TLS without authentication: the test CA's certificate is refused until it is trusted;
  /// `--insecure` pushes without checking it, and a pull that trusts the CA gets the digest.
  @Test func tlsWithoutAuthNeedsTheCAOrInsecure() async throws {
    let scratch = try Self.scratchFolder()
    defer { try? FileManager.default.removeItem(at: scratch) }
    let registry = try LoopbackRegistry(folder: scratch.appendingPathComponent("registry"), tls: true)
    defer { registry.stop() }
    let reference = "\(registry.address)/open/hello:1.0"
    let (store, project) = try await Self.packaged(reference, scratch: scratch)
    let environment = [
      "KRAFT_CACHE_DIR": store.path, "DOCKER_CONFIG": scratch.appendingPathComponent("docker").path,
    ]

    let untrusted = try KraftProcess.run(
      ["pkg", "push", reference], in: project.scratch.url, environment: environment)
    #expect(untrusted.status != 0 && untrusted.stderr.contains("not trusted"), "\(untrusted.output)")
    let insecure = try KraftProcess.run(
      ["pkg", "push", "--insecure", reference], in: project.scratch.url, environment: environment)
    #expect(
      insecure.status == 0 && (Self.count("uploaded", in: insecure.stdout) ?? 0) >= 4,
      "push --insecure:\n\(insecure.output)")

    let pullCache = scratch.appendingPathComponent("pull")
    let pull = try KraftProcess.run(
      ["pkg", "pull", reference], in: scratch,
      environment: ["KRAFT_CACHE_DIR": pullCache.path, "KRAFT_REGISTRY_CA_FILE": registry.caFile!.path])
    #expect(pull.status == 0, "pull:\n\(pull.output)")
    let pulled = try Self.storeContents(pullCache, name: reference)
    let pushed = try Self.storeContents(store, name: reference)
    #expect(pulled.digest != nil && pulled.digest == pushed.digest && pulled.blobsMatch, "\(pulled)")
  }

  @Test func tlsWithATestCAAndBasicAuthLoginPushPullRun() async throws {
    let scratch = try Self.scratchFolder()
    defer { try? FileManager.default.removeItem(at: scratch) }
    let registry = try LoopbackRegistry(
      folder: scratch.appendingPathComponent("registry"), tls: true, user: ("ci", "s3cret pass"))
    defer { registry.stop() }
    let reference = "\(registry.address)/team/hello:2.0"
    let (store, project) = try await Self.packaged(reference, scratch: scratch)
    let docker = scratch.appendingPathComponent("docker")
    var environment = [
      "KRAFT_CACHE_DIR": store.path, "DOCKER_CONFIG": docker.path,
      "KRAFT_REGISTRY_CA_FILE": registry.caFile!.path,
      // Small PATCH chunks: the kernel goes up in several, as a large blob would.
      "KRAFT_REGISTRY_CHUNK_SIZE": "8192",
    ]

    // Without the CA the certificate is refused; without credentials the push says to log in.
    let untrusted = try KraftProcess.run(
      ["pkg", "push", reference], in: scratch,
      environment: environment.merging(["KRAFT_REGISTRY_CA_FILE": ""]) { $1 })
    #expect(untrusted.status != 0 && untrusted.stderr.contains("not trusted"), "\(untrusted.output)")
    let anonymous = try KraftProcess.run(["pkg", "push", reference], in: scratch, environment: environment)
    #expect(
      anonymous.status != 0 && anonymous.stderr.contains("kraft login \(registry.address)"),
      "\(anonymous.output)")

    let wrong = try Self.login(registry.address, password: "nope", environment: environment)
    #expect(wrong.status != 0, "\(wrong.output)")
    let login = try Self.login(
      registry.address, password: "s3cret pass", options: "--ca-file \(registry.caFile!.path)",
      environment: environment)
    #expect(login.status == 0, "login:\n\(login.output)")
    let config = try String(contentsOf: docker.appendingPathComponent("config.json"), encoding: .utf8)
    #expect(config.contains(Data("ci:s3cret pass".utf8).base64EncodedString()))

    let push = try KraftProcess.run(
      ["pkg", "push", reference], in: project.scratch.url, environment: environment)
    #expect(push.status == 0 && (Self.count("uploaded", in: push.stdout) ?? 0) >= 4, "push:\n\(push.output)")
    let pushed = try Self.storeContents(store, name: reference).digest

    let runCache = scratch.appendingPathComponent("run")
    environment["KRAFT_CACHE_DIR"] = runCache.path
    let run = try KraftProcess.run(
      ["run", "--plat", "qemu", "--timeout", "60", reference], in: scratch, environment: environment)
    #expect(run.status == 0 && run.stdout.contains("Hello, world!"), "kraft run REF:\n\(run.output)")
    let pulled = try Self.storeContents(runCache, name: reference)
    #expect(pulled.digest == pushed && pulled.blobsMatch, "\(pulled)")
  }
}

/// `kraft` through a shell (for a pipe into its standard input), `$KRAFT` naming the binary.
enum KraftShell {
  static func run(_ script: String, environment: [String: String]) throws -> KraftProcess.Result {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    process.arguments = ["-c", script]
    process.environment = ProcessInfo.processInfo.environment
      .merging(environment) { $1 }.merging(["KRAFT": KraftProcess.binary.path]) { $1 }
    process.standardInput = FileHandle.nullDevice
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let outBytes = out.fileHandleForReading.readDataToEndOfFile()
    let errBytes = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return KraftProcess.Result(
      status: process.terminationStatus, stdout: String(decoding: outBytes, as: UTF8.self),
      stderr: String(decoding: errBytes, as: UTF8.self))
  }
}
