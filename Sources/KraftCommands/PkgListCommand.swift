import ArgumentParser
import Foundation
import KraftBuild
import KraftFetch

/// `kraft pkg ls`: the packages in kraft's store, one line each.
struct PkgListCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ls", abstract: "List the packages in kraft's package store.",
    aliases: ["list"])

  func run() throws {
    let store = OCILayout(root: OCILayout.defaultRoot(environment: ProcessInfo.processInfo.environment))
    let packages = store.exists ? try OCIPackageSummary.all(in: store) : []
    print(Self.table(packages), terminator: "")
  }

  static func table(_ packages: [OCIPackageSummary]) -> String {
    guard !packages.isEmpty else { return "no packages; make one with 'kraft pkg' after 'kraft build'\n" }
    let header = ["NAME", "DIGEST", "TARGETS", "SIZE"]
    let rows = packages.map {
      [
        $0.name, String($0.digest.description.prefix(19)), $0.targets.joined(separator: ","),
        humanSize($0.size),
      ]
    }
    let widths = (0..<3).map { column in ([header] + rows).map { $0[column].count }.max()! }
    return ([header] + rows).map { row in
      (0..<3).map { row[$0].padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
        .joined(separator: "  ") + "  " + row[3]
    }.joined(separator: "\n") + "\n"
  }

  /// `812 B`, `1.5 KiB`, `3.2 MiB`.
  static func humanSize(_ bytes: Int64) -> String {
    var value = Double(bytes)
    for unit in ["B", "KiB", "MiB"] {
      if value < 1024 { return unit == "B" ? "\(bytes) B" : String(format: "%.1f", value) + " " + unit }
      value /= 1024
    }
    return String(format: "%.1f GiB", value)
  }
}
