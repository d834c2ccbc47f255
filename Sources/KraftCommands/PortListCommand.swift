import ArgumentParser
import Foundation
import KraftBuild
import KraftModel

/// `kraft port list [--output json]`: every port in the search path, one line each.
struct PortListCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "list", abstract: "List the available ports.")

  enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

  @Option(help: "text or json.")
  var output: Format = .text

  @OptionGroup var project: ProjectFolderOptions

  func run() throws {
    let entries = try PortContext(project, requireProject: false).catalog.all()
    switch output {
    case .json: print(try Self.json(entries))
    case .text: print(Self.table(entries), terminator: "")
    }
  }

  static func table(_ entries: [PortCatalog.Entry]) -> String {
    guard !entries.isEmpty else { return "no ports found; see 'kraft port --help' for where kraft looks\n" }
    let rows = entries.map { entry -> [String] in
      let port = entry.description
      let others = port.recipe.upstream.versions.map(\.version)
        .filter { $0 != port.recipe.upstream.defaultVersion }
      return [
        port.name,
        port.recipe.upstream.defaultVersion + (others.isEmpty ? "" : " (+\(others.count))"),
        port.license ?? "-", entry.origin.rawValue, port.manifest.description ?? "",
      ]
    }
    let header = ["NAME", "VERSION", "LICENSE", "FROM", "DESCRIPTION"]
    let widths = (0..<4).map { column in ([header] + rows).map { $0[column].count }.max()! }
    return ([header] + rows).map { row in
      (0..<4).map { row[$0].padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
        .joined(separator: "  ") + "  " + row[4]
    }.joined(separator: "\n") + "\n"
  }

  struct Row: Encodable {
    var name: String
    var version: String
    var versions: [String]
    var license: String?
    var description: String?
    var origin: String
    var directory: String
  }

  static func json(_ entries: [PortCatalog.Entry]) throws -> String {
    let rows = entries.map { entry in
      Row(
        name: entry.name, version: entry.description.recipe.upstream.defaultVersion,
        versions: entry.description.recipe.upstream.versions.map(\.version),
        license: entry.description.license, description: entry.description.manifest.description,
        origin: entry.origin.rawValue, directory: entry.description.directory)
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(rows), as: UTF8.self)
  }
}
