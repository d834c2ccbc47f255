import KraftBasics
import KraftBuild
import KraftFetch
import KraftModel
import Testing

/// Unikraft's catalog names library versions by channel (`version: stable`, `staging`):
/// `stable` is a recipe's default version, `staging` and `latest` the newest it lists, and
/// what a recipe lacks is an error at the Kraftfile's line before anything is fetched.
@Suite struct PortVersionChannelTests {
  static let recipe = """
    name: answer
    kind: port
    upstream:
      default: 1.2.9
      versions:
        1.2.9:
          archive: https://example.org/answer-1.2.9.tar.gz
          sha256: \(String(repeating: "a", count: 64))
        1.2.10:
          archive: https://example.org/answer-1.2.10.tar.gz
          sha256: \(String(repeating: "b", count: 64))
        1.1.0:
          archive: https://example.org/answer-1.1.0.tar.gz
          sha256: \(String(repeating: "c", count: 64))

    """

  static func catalog() -> PortCatalog {
    let files = InMemoryFileSystem(files: ["/ports/answer/port.yaml": recipe])
    return PortCatalog(roots: [PortCatalog.Root("/ports", origin: .builtin)], fileSystem: files)
  }

  static func library(_ version: String?) -> Component {
    Component(
      name: "answer", version: version,
      location: SourceLocation(file: "Kraftfile", line: 4, column: 3))
  }

  @Test func channelsResolveToRecipeVersions() throws {
    let upstream = try Self.catalog().port(named: "answer").description.recipe.upstream
    #expect(upstream.version("stable")?.version == "1.2.9")
    #expect(upstream.version(nil)?.version == "1.2.9")
    // Numbers compare as numbers: 1.2.10 is newer than 1.2.9.
    #expect(upstream.version("staging")?.version == "1.2.10")
    #expect(upstream.version("latest")?.version == "1.2.10")
    #expect(upstream.version("1.1.0")?.version == "1.1.0")
    #expect(upstream.version("1.3") == nil)
  }

  /// What is fetched, and so what `Kraftfile.lock` records (`LockfileEntry.version` is the
  /// request's), is the version a channel resolves to, never the channel's name.
  @Test func fetchRequestsCarryTheResolvedVersion() throws {
    let recipe = try Self.catalog().port(named: "answer").description.recipe
    #expect(try SourceRequest.port(recipe, version: "stable").version == "1.2.9")
    #expect(try SourceRequest.port(recipe, version: "latest").version == "1.2.10")
    #expect(try SourceRequest.port(recipe, version: "latest").url.hasSuffix("answer-1.2.10.tar.gz"))
    let error = #expect(throws: FetchError.self) { try SourceRequest.port(recipe, version: "9") }
    #expect(error?.message.contains("channels: 'stable' (1.2.9)") == true)
  }

  @Test func unknownVersionIsAPositionedErrorListingTheChannels() throws {
    var kraftfile = Kraftfile(directory: "/p")
    kraftfile.libraries = [Self.library("stable"), Self.library("1.3")]
    let problems = Self.catalog().versionProblems(in: kraftfile)
    #expect(problems.count == 1)
    let problem = try #require(problems.first)
    #expect(problem.location?.line == 4)
    #expect(problem.message.hasPrefix("port 'answer' has no version '1.3'"))
    #expect(problem.message.contains("known versions: '1.2.9', '1.2.10', '1.1.0'"))
    #expect(problem.message.contains("'stable' (1.2.9), 'staging' and 'latest' (1.2.10)"))
  }

  @Test func librariesWithTheirOwnSourceOrNoPortAreNotChecked() {
    var kraftfile = Kraftfile(directory: "/p")
    var own = Self.library("my-branch")
    own.source = .git(url: "https://example.org/answer.git", ref: nil)
    var other = Self.library("9.9")
    other.name = "not-a-port"
    kraftfile.libraries = [own, other]
    #expect(Self.catalog().versionProblems(in: kraftfile).isEmpty)
  }
}
