import Foundation
import KraftBasics
import KraftFetch
import KraftModel
import Testing

@testable import KraftBuild
@testable import KraftCommands

/// `kraft pkg`'s command line: the default subcommand, kraftkit's flags, `--output` forms and
/// the `ls` table.
@Suite struct PkgCommandParsingTests {
  @Test func kraftPkgWithoutASubcommandPacksWithKraftkitsFlags() throws {
    let command = try Kraft.parseAsRoot([
      "pkg", "-n", "hello:1.0", "-t", "qemu/x86_64", "-o", "oci:out", "-a", "x", "--dbg", "--no-kconfig",
    ])
    let pack = try #require(command as? PkgPackCommand)
    #expect(pack.name == "hello:1.0" && pack.target == ["qemu/x86_64"] && pack.output == "oci:out")
    #expect(pack.args == ["x"] && pack.dbg && pack.noKConfig)
    #expect(try Kraft.parseAsRoot(["pkg", "ls"]) is PkgListCommand)
    #expect(try Kraft.parseAsRoot(["pkg", "rm", "a", "b:2"]) is PkgRemoveCommand)
  }

  @Test func outputsAreALayoutFolderOrATar() throws {
    let fileSystem = InMemoryFileSystem()
    guard case .folder(let folder) = try PkgOutput(parsing: "oci:/x/layout", fileSystem: fileSystem)
    else { Issue.record("oci: is a folder"); return }
    #expect(folder == "/x/layout")
    guard case .tar(let tar) = try PkgOutput(parsing: "tar:/x/a.tar", fileSystem: fileSystem)
    else { Issue.record("tar: is a tar"); return }
    #expect(tar == "/x/a.tar")
    for bad in ["out", "oci:", "docker://x", "tar:"] {
      #expect(throws: PkgError.self) { try PkgOutput(parsing: bad, fileSystem: fileSystem) }
    }
    let reference = try #require(OCIPackageReference("team/hello:2"))
    #expect(try PkgOutput(parsing: "oci:/o", fileSystem: fileSystem).referenceName(reference) == "2")
  }

  @Test func badPackageNamesAreUsageErrorsNamingTheForm() {
    let error = #expect(throws: PkgError.self) { try PkgPackCommand.reference("Hello World") }
    #expect(error?.kind == .usage)
    #expect(error?.message.contains("name[:tag]") == true)
  }

  @Test func theListIsATableWithReadableSizes() throws {
    #expect(PkgListCommand.humanSize(812) == "812 B")
    #expect(PkgListCommand.humanSize(1536) == "1.5 KiB")
    #expect(PkgListCommand.humanSize(3 * 1024 * 1024) == "3.0 MiB")
    #expect(PkgListCommand.table([]).hasPrefix("no packages"))
    let digest = try #require(OCIDigest(sha256Hex: String(repeating: "a", count: 64)))
    let table = PkgListCommand.table([
      OCIPackageSummary(
        name: "hello:latest", digest: digest, targets: ["qemu/arm64", "qemu/x86_64"], size: 2048)
    ])
    #expect(
      table == """
        NAME          DIGEST               TARGETS                 SIZE
        hello:latest  sha256:aaaaaaaaaaaa  qemu/arm64,qemu/x86_64  2.0 KiB

        """)
  }
}
