import Foundation
import KraftFetch
import KraftModel
import Testing

/// The `prepare:` layer: host commands over a scratch copy of the patched tree, kept outputs
/// only, a fixed environment, cached by tree + patches + step + tool versions and pinned by
/// `prepared-tree`.
@Suite struct PrepareStepTests {
  let upstream: UpstreamFixture

  init() async throws { upstream = try await UpstreamFixture.shared.value }

  func request(_ step: PrepareStep, preparedTree: String? = nil) -> SourceRequest {
    var request = archiveRequest(
      "file://" + upstream.tarGz,
      pin: UpstreamPin(archiveSHA256: upstream.tarGzSHA256, preparedTree: preparedTree))
    request.prepare = step
    return request
  }

  /// Writes `generated/config.h` from an input, leaves a build folder and a stray file that
  /// are not outputs, and counts its runs in `counter` (outside the tree).
  func step(value: String = "1", counter: String) -> PrepareStep {
    PrepareStep(
      tools: ["sed"],
      inputs: [.init(name: "WIDGET_VALUE", value: value), .init(name: "COUNTER", value: counter)],
      run: """
        echo run >>"$COUNTER"
        mkdir -p generated build
        echo "#define WIDGET $WIDGET_VALUE" >generated/config.h
        echo src/widget.c >generated/sources.txt
        echo junk >build/object.o
        echo junk >Makefile
        """,
      outputs: ["generated/*.h", "generated/sources.txt"], sourcesList: "generated/sources.txt")
  }

  @Test func keepsOnlyOutputsRecordsToolsAndIsReusedFromTheCache() throws {
    let fetcher = try makeFetcher()
    let counter = try TestScratch.make("counter") + "/runs"
    let first = try fetcher.prepare(request(step(counter: counter)))
    let tree = first.directory
    #expect(try String(contentsOfFile: tree + "/generated/config.h", encoding: .utf8) == "#define WIDGET 1\n")
    #expect(FileManager.default.fileExists(atPath: tree + "/src/widget.c"))
    #expect(!FileManager.default.fileExists(atPath: tree + "/Makefile"))
    #expect(!FileManager.default.fileExists(atPath: tree + "/build"))
    #expect(first.tools.map(\.name) == ["sed"])
    #expect(first.tools.first?.version.contains("sed") == true)
    #expect(first.lockEntry.pin.preparedTree == (try TreeHash.compute(directory: tree)))

    // A second project: same layer, the step does not run again.
    let second = try fetcher.prepare(request(step(counter: counter)))
    #expect(second.directory == tree)
    #expect(try String(contentsOfFile: counter, encoding: .utf8) == "run\n")

    // An input is part of the key: another value is another layer.
    let other = try fetcher.prepare(request(step(value: "2", counter: counter)))
    #expect(other.directory != tree)
    #expect(other.lockEntry.pin.preparedTree != first.lockEntry.pin.preparedTree)
  }

  @Test func aDifferentOutputThanThePinNamesTheFirstDifferingFileAndTheTools() throws {
    let fetcher = try makeFetcher()
    let counter = try TestScratch.make("counter") + "/runs"
    let pinned = try fetcher.prepare(request(step(counter: counter))).lockEntry.pin.preparedTree
    // The same pin, but the step now writes something else (as another perl would).
    let error = fetchError {
      _ = try fetcher.prepare(request(step(value: "7", counter: counter), preparedTree: pinned))
    }
    let message = try #require(error?.message)
    #expect(error?.kind == .verificationFailed)
    #expect(message.contains("first differing file: generated/config.h"))
    #expect(message.contains("tools used: sed (sed (GNU sed)"))
    #expect(message.contains("expected (prepared-tree): \(pinned!)"))
    #expect(TestScratch.entries(fetcher.cache.root + "/prepared").count == 1)

    // When the pinned tree was made with another sed (as its index records), that tool is named.
    let index = fetcher.cache.preparedIndexPath(preparedTree: pinned!)
    let recorded = try String(contentsOfFile: index, encoding: .utf8)
    try recorded.replacingOccurrences(of: "tool sed sed (GNU sed) ", with: "tool sed sed (GNU sed) 0.")
      .write(toFile: index, atomically: true, encoding: .utf8)
    let named = fetchError {
      _ = try fetcher.prepare(request(step(value: "7", counter: counter), preparedTree: pinned))
    }
    #expect(named?.message.contains("tool 'sed': 'sed (GNU sed) ") == true)
    #expect(named?.message.contains("when the pinned tree was made") == true)
  }

  @Test func runsInAFixedEnvironment() throws {
    setenv("KRAFT_PREPARE_TEST_LEAK", "visible", 1)
    defer { unsetenv("KRAFT_PREPARE_TEST_LEAK") }
    let fetcher = try makeFetcher()
    let step = PrepareStep(
      tools: [], run: "env | grep -v '^HOME=\\|^PWD=\\|^SHLVL=\\|^_=' | sort >environment.txt",
      outputs: ["environment.txt"])
    let prepared = try fetcher.prepare(request(step))
    let text = try String(contentsOfFile: prepared.directory + "/environment.txt", encoding: .utf8)
    #expect(text == "LC_ALL=C\nPATH=/usr/local/bin:/usr/bin:/bin\nSOURCE_DATE_EPOCH=0\nTZ=UTC\n")
  }

  @Test(
    .enabled(
      if: geteuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare"),
      "network namespaces need root and unshare"))
  func hasNoNetworkAsRoot() throws {
    let fetcher = try makeFetcher()
    // /proc/net/dev lists the interfaces of the process's own network namespace.
    let step = PrepareStep(
      tools: [], run: "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' >interfaces.txt",
      outputs: ["interfaces.txt"])
    let prepared = try fetcher.prepare(request(step))
    #expect(try String(contentsOfFile: prepared.directory + "/interfaces.txt", encoding: .utf8) == "lo\n")
  }

  @Test func changingAnUpstreamFileThatIsNoOutputIsAnErrorAndCachesNothing() throws {
    let fetcher = try makeFetcher()
    let step = PrepareStep(
      tools: [], run: "echo changed >README; echo x >out.h", outputs: ["*.h"])
    let error = fetchError { _ = try fetcher.prepare(request(step)) }
    #expect(error?.message.contains("changed the upstream file 'README'") == true)
    #expect(TestScratch.entries(fetcher.cache.root + "/prepared").isEmpty)
  }

  @Test func aFailingStepShowsItsOutputAndAMissingToolIsNamed() throws {
    let fetcher = try makeFetcher()
    let failing = PrepareStep(tools: [], run: "echo 'no such option' >&2; exit 3", outputs: ["x"])
    let error = fetchError { _ = try fetcher.prepare(request(failing)) }
    #expect(error?.message.contains("failed (status 3)") == true)
    #expect(error?.message.contains("no such option") == true)
    let missing = PrepareStep(tools: ["kraft-no-such-tool"], run: "true", outputs: ["x"])
    let toolError = fetchError { _ = try fetcher.prepare(request(missing)) }
    #expect(toolError?.kind == .missingTool)
    #expect(toolError?.message.contains("needs 'kraft-no-such-tool'") == true)
  }
}
