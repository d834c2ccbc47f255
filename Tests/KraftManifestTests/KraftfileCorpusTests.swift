import Foundation
import KraftManifest
import KraftModel
import Testing

/// The Swift half of the corpus check (`Tests/Corpus/check_schema.py` compares the schema and
/// the built `kraft` binary): every corpus file parses or fails exactly as its `# expect:`
/// lines say, with each expected error at its line and column.
@Suite struct KraftfileCorpusTests {
  static let corpus = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Corpus/kraftfiles").path

  static var files: [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: corpus)) ?? [])
      .filter { $0.hasSuffix(".yaml") }.sorted()
  }

  @Test func corpusIsLargeAndMixed() {
    #expect(Self.files.count >= 40)
    #expect(Self.files.filter { $0.hasPrefix("valid-") }.count >= 15)
    #expect(Self.files.filter { $0.hasPrefix("invalid-") }.count >= 15)
  }

  @Test(arguments: files) func behavesAsExpected(_ name: String) throws {
    let path = Self.corpus + "/" + name
    let text = try String(contentsOfFile: path, encoding: .utf8)
    let expected = Self.expectations(in: text)
    let parser = KraftfileParser(environment: ["PATH": "/usr/bin:/bin", "HOME": "/root"])
    do {
      _ = try parser.parse(text, file: name, directory: Self.corpus)
      #expect(expected.isEmpty, "\(name) parsed but should fail with \(expected)")
    } catch let diagnostics as Diagnostics {
      #expect(!expected.isEmpty, "\(name) should be valid but failed: \(diagnostics.message)")
      let reported = diagnostics.items.map { item in
        "\(item.location?.line ?? 0):\(item.location?.column ?? 0) \(item.message)"
      }
      for (position, message) in expected {
        #expect(
          reported.contains { $0.hasPrefix(position + " ") && $0.contains(message) },
          "\(name): expected '\(position) \(message)' among \(reported)")
      }
    }
  }

  /// `# expect: error LINE:COL message` lines as (`LINE:COL`, message); empty for valid files.
  static func expectations(in text: String) -> [(String, String)] {
    text.split(separator: "\n").compactMap { line in
      guard line.hasPrefix("# expect: error ") else { return nil }
      let rest = line.dropFirst("# expect: error ".count)
      guard let space = rest.firstIndex(of: " ") else { return nil }
      return (String(rest[..<space]), String(rest[rest.index(after: space)...]))
    }
  }
}
