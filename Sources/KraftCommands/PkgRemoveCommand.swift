import ArgumentParser
import Foundation
import KraftBuild
import KraftFetch

/// `kraft pkg rm REF...`: removes packages from kraft's store, and the blobs only they used.
struct PkgRemoveCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "rm", abstract: "Remove packages from kraft's package store.",
    aliases: ["remove"])

  @Argument(help: ArgumentHelp("The packages, name[:tag] (tag 'latest' when none).", valueName: "ref"))
  var references: [String]

  func run() throws {
    let store = OCILayout(root: OCILayout.defaultRoot(environment: ProcessInfo.processInfo.environment))
    var missing: [String] = []
    for text in references {
      let reference = try PkgPackCommand.reference(text)
      if store.exists, try store.removeReference(reference.description) {
        print("removed \(reference)")
      } else {
        missing.append(reference.description)
      }
    }
    guard missing.isEmpty else {
      throw PkgError(
        .missingInput,
        "no package " + missing.map { "'\($0)'" }.joined(separator: ", ")
          + " in kraft's store; 'kraft pkg ls' lists what there is")
    }
  }
}
