import Foundation
import KraftBasics
import KraftBuild
import KraftModel
import Testing

@testable import KraftCommands

/// What `kraft port list` and `kraft port info` print for the ports shipped in `Ports/`, and
/// how `kraft port update` orders versions.
@Suite struct PortCommandTests {
  static let repository = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  func shippedCatalog() -> PortCatalog {
    PortCatalog(
      roots: [PortCatalog.Root(Self.repository.path + "/Ports", origin: .builtin)],
      fileSystem: LocalFileSystem())
  }

  @Test func listShowsEveryShippedPortWithVersionAndLicense() throws {
    let entries = try shippedCatalog().all()
    #expect(entries.map(\.name).contains("openssl"))
    #expect(entries.map(\.name).contains("zlib"))
    let table = PortListCommand.table(entries)
    let openssl = try #require(table.split(separator: "\n").first { $0.hasPrefix("openssl ") })
    #expect(openssl.contains("3.0.20") && openssl.contains("Apache-2.0") && openssl.contains("builtin"))
    let zlib = try #require(table.split(separator: "\n").first { $0.hasPrefix("zlib ") })
    #expect(zlib.contains("1.2.13+dfsg") && zlib.contains("Zlib"))
  }

  @Test func listAsJSONDecodes() throws {
    let json = try PortListCommand.json(try shippedCatalog().all())
    let rows = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]]
    let openssl = try #require(rows?.first { $0["name"] as? String == "openssl" })
    #expect(openssl["version"] as? String == "3.0.20")
    #expect(openssl["license"] as? String == "Apache-2.0")
    #expect(openssl["versions"] as? [String] == ["3.0.20"])
  }

  @Test func infoNamesPinsPatchesAndOptions() throws {
    let catalog = shippedCatalog()
    let openssl = PortInfoCommand.describe(try catalog.port(named: "openssl"))
    #expect(openssl.contains("sha256:  c80a01dfc70ece4dc21168932c37739042d404d46ccc81a5986dd75314ecda6f"))
    #expect(openssl.contains("debian:  openssl 3.0.20-1~deb12u2 (openssl_3.0.20.orig.tar.gz)"))
    #expect(openssl.contains("requires:  libc"))
    #expect(openssl.contains("arches:    x86_64, arm64"))
    let zlib = PortInfoCommand.describe(try catalog.port(named: "zlib"))
    #expect(zlib.contains("CONFIG_LIBZLIB_GZIP_FILES (bool, default y)"))
    #expect(zlib.contains("patches:   none"))
  }

  @Test func requiredPortsBringTheLibc() throws {
    let catalog = shippedCatalog()
    let required = try catalog.requiredPorts(of: try catalog.port(named: "openssl"))
    #expect(required.map(\.name) == ["musl"])
  }

  @Test func newestVersionComparesNumbers() {
    #expect(PortUpdateCommand.newest(["3.0.9", "3.0.20", "3.0.10"]) == "3.0.20")
    #expect(PortUpdateCommand.newest(["1.2.13+dfsg"]) == "1.2.13+dfsg")
    #expect(PortUpdateCommand.newest(["2.1", "2.1.3"]) == "2.1.3")
  }

  @Test func referencesSplitAtTheAtSign() {
    #expect(PortContext.split("openssl@3.0.20") == ("openssl", "3.0.20"))
    #expect(PortContext.split("zlib") == ("zlib", nil))
  }
}
