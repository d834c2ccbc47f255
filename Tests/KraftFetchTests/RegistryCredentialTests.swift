import Foundation
import KraftBasics
import KraftFetch
import Testing

@Suite struct RegistryCredentialTests {
  static func token(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

  @Test func theFirstFileWithAnEntryWinsPodmansBeforeDockers() throws {
    let home = try TestScratch.make("home")
    let runtime = try TestScratch.make("runtime")
    try TestScratch.write(
      #"{"auths":{"https://reg.test:5000/v1/":{"auth":"\#(Self.token("docker:one"))"},"other.test":{"username":"u","password":"p"}}}"#,
      to: home + "/.docker/config.json")
    try TestScratch.write(
      #"{"auths":{"reg.test:5000":{"auth":"\#(Self.token("podman:two:with:colons"))"}}}"#,
      to: runtime + "/containers/auth.json")
    let store = RegistryCredentialStore(environment: ["HOME": home, "XDG_RUNTIME_DIR": runtime])
    #expect(
      try store.credential(for: "reg.test:5000")
        == RegistryCredential(username: "podman", password: "two:with:colons"))
    #expect(try store.credential(for: "other.test") == RegistryCredential(username: "u", password: "p"))
    #expect(try store.credential(for: "absent.test") == nil)
    let dockerOnly = RegistryCredentialStore(environment: ["HOME": home])
    #expect(try dockerOnly.credential(for: "reg.test:5000")?.username == "docker")
  }

  @Test func loginReplacesTheEntryKeepsTheRestAndIsPrivate() throws {
    let home = try TestScratch.make("home")
    try TestScratch.write(
      #"{"auths":{"https://reg.test/v1/":{"auth":"\#(Self.token("old:pw"))"}},"credsStore":"desktop"}"#,
      to: home + "/.docker/config.json")
    let store = RegistryCredentialStore(environment: ["HOME": home])
    try store.store(RegistryCredential(username: "new", password: "pw2"), for: "reg.test")
    #expect(try store.credential(for: "reg.test") == RegistryCredential(username: "new", password: "pw2"))
    let written =
      try JSONSerialization.jsonObject(
        with: Data(contentsOf: URL(fileURLWithPath: home + "/.docker/config.json"))) as? [String: Any]
    #expect(written?["credsStore"] as? String == "desktop")
    #expect((written?["auths"] as? [String: Any])?.keys.sorted() == ["reg.test"])

    let fresh = try TestScratch.make("fresh")
    let freshStore = RegistryCredentialStore(environment: ["DOCKER_CONFIG": fresh + "/conf"])
    try freshStore.store(RegistryCredential(username: "a", password: "b"), for: "localhost:5000")
    let attributes = try FileManager.default.attributesOfItem(atPath: fresh + "/conf/config.json")
    #expect((attributes[.posixPermissions] as? Int) == 0o600)
  }

  @Test func aBrokenConfigFileIsNamed() throws {
    let home = try TestScratch.make("home")
    try TestScratch.write("not json", to: home + "/.docker/config.json")
    let error = fetchError {
      _ = try RegistryCredentialStore(environment: ["HOME": home]).credential(for: "reg.test")
    }
    #expect(error?.message.contains(home + "/.docker/config.json") == true)
  }
}
