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

  /// Podman's fallback file (`$XDG_CONFIG_HOME/containers/auth.json`, else under
  /// `~/.config`) comes after its login file and before docker's, as containers-auth.json(5)
  /// reads them.
  @Test func podmansConfigHomeFileComesBetweenItsRuntimeFileAndDockers() throws {
    let home = try TestScratch.make("home")
    let runtime = try TestScratch.make("runtime")
    let configHome = try TestScratch.make("config")
    try TestScratch.write(
      #"{"auths":{"reg.test":{"auth":"\#(Self.token("docker:d"))"},"only-docker.test":{"auth":"\#(Self.token("docker:d"))"}}}"#,
      to: home + "/.docker/config.json")
    try TestScratch.write(
      #"{"auths":{"reg.test":{"auth":"\#(Self.token("home-config:h"))"}}}"#,
      to: home + "/.config/containers/auth.json")
    try TestScratch.write(
      #"{"auths":{"reg.test":{"auth":"\#(Self.token("xdg-config:x"))"}}}"#,
      to: configHome + "/containers/auth.json")
    try TestScratch.write(
      #"{"auths":{"runtime.test":{"auth":"\#(Self.token("runtime:r"))"}}}"#,
      to: runtime + "/containers/auth.json")

    let defaults = RegistryCredentialStore(environment: ["HOME": home, "XDG_RUNTIME_DIR": runtime])
    #expect(try defaults.credential(for: "reg.test")?.username == "home-config")
    #expect(try defaults.credential(for: "runtime.test")?.username == "runtime")
    #expect(try defaults.credential(for: "only-docker.test")?.username == "docker")
    let xdg = RegistryCredentialStore(
      environment: ["HOME": home, "XDG_RUNTIME_DIR": runtime, "XDG_CONFIG_HOME": configHome])
    #expect(try xdg.credential(for: "reg.test")?.username == "xdg-config")
    #expect(
      xdg.searchPaths == [
        runtime + "/containers/auth.json", configHome + "/containers/auth.json",
        home + "/.docker/config.json",
      ])
  }

  /// `docker-credential-<name>` scripts in a folder of their own, for `PATH`.
  static func helpers(_ scripts: [String: String]) throws -> String {
    let folder = try TestScratch.make("helpers")
    for (name, body) in scripts {
      let path = folder + "/docker-credential-" + name
      try TestScratch.write("#!/bin/sh\nread server\n" + body, to: path)
      chmod(path, 0o755)
    }
    return folder
  }

  @Test func credentialHelpersAreAskedBeforeTheFilesOwnEntries() throws {
    let bin = try Self.helpers([
      "kraft-per": #"printf '{"ServerURL":"%s","Username":"per","Secret":"p1 %s"}' "$server" "$server""#,
      "kraft-store": #"""
      case "$server" in
        store.test) printf '{"ServerURL":"store.test","Username":"stored","Secret":"s2"}' ;;
        token.test) printf '{"ServerURL":"token.test","Username":"<token>","Secret":"refresh"}' ;;
        broken.test) echo "the keychain is locked" >&2; exit 3 ;;
        *) echo "credentials not found in native keychain"; exit 1 ;;
      esac
      """#,
    ])
    let home = try TestScratch.make("home")
    try TestScratch.write(
      #"{"credHelpers":{"reg.test:5000":"kraft-per","gone.test":"absent"},"credsStore":"kraft-store","auths":{"inline.test":{"auth":"\#(Self.token("inline:pw"))"},"reg.test:5000":{"auth":"\#(Self.token("file:no"))"}}}"#,
      to: home + "/.docker/config.json")
    let store = RegistryCredentialStore(environment: ["HOME": home, "PATH": bin + ":/usr/bin:/bin"])
    #expect(
      try store.credential(for: "reg.test:5000")
        == RegistryCredential(username: "per", password: "p1 reg.test:5000"))
    #expect(try store.credential(for: "store.test") == RegistryCredential(username: "stored", password: "s2"))
    // The store has nothing for it: the file's own entry.
    #expect(
      try store.credential(for: "inline.test") == RegistryCredential(username: "inline", password: "pw"))
    #expect(try store.credential(for: "absent.test") == nil)
    let token = fetchError { _ = try store.credential(for: "token.test") }
    #expect(token?.description.contains("identity token") == true, "\(String(describing: token))")
    let broken = fetchError { _ = try store.credential(for: "broken.test") }
    #expect(
      broken?.description.contains("exit status 3: the keychain is locked") == true,
      "\(String(describing: broken))")
    let missing = fetchError { _ = try store.credential(for: "gone.test") }
    #expect(
      missing?.kind == .missingTool && missing?.description.contains("docker-credential-absent") == true)
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
