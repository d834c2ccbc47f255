import Foundation
import KraftBasics
import KraftModel
import Testing

@testable import KraftFetch

@Suite struct RegistryClientTests {
  static let host = "registry.test:5000"

  static func digest(_ data: Data) -> OCIDigest {
    var hasher = SHA256()
    data.withUnsafeBytes { hasher.update($0) }
    return OCIDigest(sha256Hex: hasher.finalizeHex())!
  }

  static func client(_ fake: FakeRegistry, credential: RegistryCredential? = nil, chunkSize: Int = 1 << 20)
    -> RegistryClient
  {
    RegistryClient(
      registry: fake.host, transport: fake, credential: credential, chunkSize: chunkSize)
  }

  @Test func aBlobIsUploadedOnceThenFoundByHead() throws {
    let fake = FakeRegistry(host: Self.host)
    let client = Self.client(fake)
    let data = Data("kernel bytes".utf8)
    let digest = Self.digest(data)
    #expect(try client.pushBlob("apps/hello", data: data, digest: digest) == .uploaded(requests: 1))
    #expect(
      fake.calls == [
        "HEAD /v2/apps/hello/blobs/\(digest)", "POST /v2/apps/hello/blobs/uploads/",
        "PUT /v2/apps/hello/blobs/uploads/session1?digest=\(digest)",
      ])
    fake.clearLog()
    #expect(try client.pushBlob("apps/hello", data: data, digest: digest) == .present)
    #expect(fake.calls == ["HEAD /v2/apps/hello/blobs/\(digest)"])
    #expect(try client.blobSize("apps/hello", digest) == Int64(data.count))
  }

  @Test func aLargeBlobGoesInPatchChunksThatTheRegistryReassembles() throws {
    let fake = FakeRegistry(host: Self.host)
    let client = Self.client(fake, chunkSize: 4)
    let data = Data("0123456789".utf8)
    let digest = Self.digest(data)
    #expect(try client.pushBlob("hello", data: data, digest: digest) == .uploaded(requests: 4))
    #expect(fake.calls.filter { $0.hasPrefix("PATCH") }.count == 3)
    #expect(
      fake.log.filter { $0.method == "PATCH" }.map { $0.header("content-range") } == ["0-3", "4-7", "8-9"])
    #expect(fake.blobs["hello"]?[digest.description] == data)
  }

  @Test func aBlobInAnotherRepositoryIsMountedNotUploaded() throws {
    let fake = FakeRegistry(host: Self.host)
    let client = Self.client(fake)
    let data = Data("shared layer".utf8)
    let digest = Self.digest(data)
    _ = try client.pushBlob("one", data: data, digest: digest)
    fake.clearLog()
    #expect(try client.pushBlob("two", data: data, digest: digest, mountFrom: "one") == .mounted)
    #expect(fake.calls.last == "POST /v2/two/blobs/uploads/?mount=\(digest)&from=one")
    #expect(!fake.calls.contains { $0.hasPrefix("PUT") })
  }

  @Test func aPulledBlobThatDoesNotHashToItsDigestIsRefused() throws {
    let fake = FakeRegistry(host: Self.host)
    let client = Self.client(fake)
    let data = Data("initrd".utf8)
    let digest = Self.digest(data)
    _ = try client.pushBlob("hello", data: data, digest: digest)
    let descriptor = OCIDescriptor(mediaType: OCIMediaType.unikraftInitrd, digest: digest, size: 6)
    #expect(try client.fetchBlob("hello", descriptor) == data)
    fake.corruptBlobs.insert(digest.description)
    let error = fetchError { _ = try client.fetchBlob("hello", descriptor) }
    #expect(error?.kind == .verificationFailed)
    #expect(error?.message.contains("does not match its digest") == true)
  }

  @Test func manifestsRoundTripByTagAndDigestWithTheirExactBytes() throws {
    let fake = FakeRegistry(host: Self.host)
    let client = Self.client(fake)
    let manifest = Data(#"{"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}"#.utf8)
    let digest = try client.pushManifest("hello", "1.0", data: manifest, mediaType: OCIMediaType.imageIndex)
    #expect(digest == Self.digest(manifest))
    let byTag = try client.fetchManifest("hello", "1.0")
    #expect(byTag.data == manifest && byTag.digest == digest && byTag.mediaType == OCIMediaType.imageIndex)
    #expect(try client.fetchManifest("hello", digest.description).digest == digest)
    #expect(try client.manifestDescriptor("hello", "1.0")?.digest == digest)
    #expect(try client.manifestDescriptor("hello", "2.0") == nil)
    let missing = fetchError { _ = try client.fetchManifest("hello", "2.0") }
    #expect(missing?.kind == .missingInput)
    #expect(missing?.message.contains("manifest unknown") == true)
  }

  @Test func aManifestWhoseBytesDoNotMatchTheDigestAskedForIsRefused() throws {
    let fake = FakeRegistry(host: Self.host)
    let client = Self.client(fake)
    let manifest = Data(#"{"manifests":[]}"#.utf8)
    let other = OCIDigest(sha256Hex: String(repeating: "a", count: 64))!
    fake.manifests["hello"] = [other.description: (manifest, OCIMediaType.imageIndex)]
    let error = fetchError { _ = try client.fetchManifest("hello", other.description) }
    #expect(error?.kind == .verificationFailed)
  }

  /// A `Docker-Content-Digest` that is not the content's digest means the registry stored, or
  /// serves, something else: the push of a blob or manifest fails, and so does the download
  /// of a blob or of a manifest by tag, though the bytes themselves hash as asked.
  @Test func aDockerContentDigestThatIsNotTheContentsIsRefused() throws {
    let fake = FakeRegistry(host: Self.host)
    let client = Self.client(fake)
    let blob = Data("layer".utf8)
    let manifest = Data(#"{"manifests":[]}"#.utf8)
    let forged = Self.digest(Data("other".utf8)).description
    fake.announcedDigest = forged
    let pushes = [
      fetchError { _ = try client.pushBlob("hello", data: blob, digest: Self.digest(blob)) },
      fetchError {
        _ = try client.pushManifest("hello", "1.0", data: manifest, mediaType: OCIMediaType.imageIndex)
      },
    ]
    #expect(pushes.allSatisfy { $0?.kind == .verificationFailed && $0?.message.contains(forged) == true })

    let descriptor = OCIDescriptor(
      mediaType: OCIMediaType.layerTar, digest: Self.digest(blob), size: Int64(blob.count))
    let pulls = [
      fetchError { _ = try client.fetchBlob("hello", descriptor) },
      fetchError { _ = try client.fetchManifest("hello", "1.0") },
    ]
    #expect(pulls.allSatisfy { $0?.kind == .verificationFailed }, "\(pulls)")
    fake.announcedDigest = nil
    #expect(try client.fetchBlob("hello", descriptor) == blob)
    #expect(try client.fetchManifest("hello", "1.0").data == manifest)
  }

  @Test func tagsAreListedAcrossPages() throws {
    let fake = FakeRegistry(host: Self.host)
    fake.tagsPerPage = 2
    let client = Self.client(fake)
    for tag in ["a", "b", "c", "d", "e"] {
      try client.pushManifest(
        "hello", tag, data: Data("{\"t\":\"\(tag)\"}".utf8), mediaType: OCIMediaType.imageManifest)
    }
    #expect(try client.tags("hello") == ["a", "b", "c", "d", "e"])
    #expect(try client.tags("absent") == [])
  }

  @Test func basicAuthIsSentAfterTheChallengeAndThenUpFront() throws {
    let fake = FakeRegistry(host: Self.host)
    fake.auth = .basic(user: "ci", password: "s3cret")
    let client = Self.client(fake, credential: RegistryCredential(username: "ci", password: "s3cret"))
    try client.checkAccess()
    #expect(fake.log.map { $0.header("authorization") == nil } == [true, false])
    fake.clearLog()
    #expect(try client.tags("hello") == [])
    #expect(fake.log.count == 1)
  }

  @Test func aRegistryAskingForAPasswordWithoutOneSaysHowToLogIn() {
    let fake = FakeRegistry(host: Self.host)
    fake.auth = .basic(user: "ci", password: "s3cret")
    let error = fetchError { try Self.client(fake).checkAccess() }
    #expect(error?.message.contains("kraft login \(Self.host)") == true)
    let wrong = fetchError {
      try Self.client(fake, credential: RegistryCredential(username: "ci", password: "no")).checkAccess()
    }
    #expect(wrong?.message.contains("refused the credentials") == true)
  }

  @Test func theBearerFlowAsksTheRealmForTheRepositoryScopeWithTheCredentials() throws {
    let fake = FakeRegistry(host: Self.host)
    fake.auth = .bearer(user: "ci", password: "pw")
    let client = Self.client(fake, credential: RegistryCredential(username: "ci", password: "pw"))
    let data = Data("x".utf8)
    _ = try client.pushBlob("hello", data: data, digest: Self.digest(data))
    let tokenRequests = fake.log.filter { $0.url.hasPrefix("https://auth.test/token") }
    #expect(
      tokenRequests.map(\.url) == [
        "https://auth.test/token?service=fake%2C%20registry&scope=repository%3Ahello%3Apull",
        "https://auth.test/token?service=fake%2C%20registry&scope=repository%3Ahello%3Apull%2Cpush",
      ])
    #expect(tokenRequests.allSatisfy { $0.header("authorization")?.hasPrefix("Basic ") == true })
    #expect(fake.blobs["hello"]?.count == 1)
    // Tokens are kept per scope: a second HEAD with the pull scope needs no new token.
    fake.clearLog()
    _ = try client.blobSize("hello", Self.digest(data))
    #expect(fake.calls == ["HEAD /v2/hello/blobs/\(Self.digest(data))"])
  }

  /// distribution names a challenge's actions in map order, `push,pull` about one time in
  /// seven: the token service is still asked for one scope per repository, in kraft's words
  /// (the fake challenges every request with `push,pull`, so the HEAD's `pull` grows too).
  @Test func aChallengeScopeInAnotherOrderIsMergedIntoOurs() throws {
    let fake = FakeRegistry(host: Self.host)
    fake.auth = .bearer(user: "ci", password: "pw")
    fake.challengeScope = "repository:hello:push,pull"
    let client = Self.client(fake, credential: RegistryCredential(username: "ci", password: "pw"))
    let data = Data("y".utf8)
    _ = try client.pushBlob("hello", data: data, digest: Self.digest(data))
    let scopes = fake.log.filter { $0.url.hasPrefix("https://auth.test/token") }.map {
      $0.url.components(separatedBy: "&").dropFirst().joined(separator: "&")
    }
    #expect(scopes == Array(repeating: "scope=repository%3Ahello%3Apull%2Cpush", count: 2))
    #expect(
      RegistryClient.merging(
        ["repository:a:pull,push", "repository:b:pull"], "repository:b:pull repository:c:pull")
        == ["repository:a:pull,push", "repository:b:pull", "repository:c:pull"])
    #expect(
      RegistryClient.merging(["repository:reg:5000/x:pull"], "repository:reg:5000/x:push,pull")
        == ["repository:reg:5000/x:pull,push"])
  }

  @Test func onlyALoopbackOrInsecureRegistryFallsBackToPlainHTTP() throws {
    let remote = FakeRegistry(host: Self.host)
    remote.plainHTTPOnly = true
    let error = fetchError { try Self.client(remote).checkAccess() }
    #expect(error?.message.contains("only used on localhost or with '--insecure'") == true)
    try RegistryClient(registry: Self.host, transport: remote, credential: nil, insecure: true).checkAccess()

    let local = FakeRegistry(host: "localhost:5000")
    local.plainHTTPOnly = true
    let client = Self.client(local)
    try client.checkAccess()
    try client.checkAccess()
    #expect(
      local.log.map(\.url) == [
        "https://localhost:5000/v2/", "http://localhost:5000/v2/", "http://localhost:5000/v2/",
      ])
    // Loopback means an address: a host name that merely starts with "127." is not one.
    #expect(["localhost", "127.0.0.1", "127.1.2.3", "::1"].allSatisfy(RegistryClient.isLoopback))
    #expect(
      !["127.example.com", "127.0.0.1.example", "1270.0.0.1", "127.0.0.256"].contains(
        where: RegistryClient.isLoopback))
  }

  @Test func aPlainHTTPLoopbackRegistryAskingForATokenGetsTheRetryOverPlainHTTP() throws {
    let local = FakeRegistry(host: "localhost:5000")
    local.plainHTTPOnly = true
    local.auth = .bearer(user: "ci", password: "pw")
    let client = RegistryClient(
      registry: local.host, transport: local, credential: RegistryCredential(username: "ci", password: "pw"))
    try client.checkAccess()
    #expect(
      local.log.map(\.url) == [
        "https://localhost:5000/v2/", "http://localhost:5000/v2/",
        "https://auth.test/token?service=fake%2C%20registry",
        "http://localhost:5000/v2/",
      ])
  }

  @Test func challengesAreParsedWithQuotedCommas() {
    let challenge = AuthChallenge(
      parsing: #"Bearer realm="https://a.test/token",service="reg, one",scope="repository:x:pull""#)
    #expect(challenge?.scheme == "bearer")
    #expect(
      challenge?.parameters
        == ["realm": "https://a.test/token", "service": "reg, one", "scope": "repository:x:pull"])
    #expect(AuthChallenge(parsing: "Basic realm=\"r\\\"q\"")?.parameters == ["realm": "r\"q"])
  }
}
