import ArgumentParser
import Foundation
import KraftBasics
import KraftBuild
import KraftFetch
import KraftManifest

/// `kraft lock`: writes `Kraftfile.lock`, the exact upstream source of every port the project
/// uses, so later builds (and other machines) use the same bytes.
struct LockCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "lock",
    abstract: "Write Kraftfile.lock: the resolved version, hashes and patch set of every port.",
    discussion: """
      Without --update, entries already in the lock are kept (and checked); missing ones are \
      added. --update resolves the named ports again (all of them when none is named): a \
      branch moves to its newest commit, a changed recipe pin or patch is recorded.
      """)

  @OptionGroup var project: ProjectFolderOptions

  @Flag(help: "Resolve the named ports again (every port when none is named).")
  var update = false

  @Flag(help: "Use only the cache.")
  var offline = false

  @Argument(help: ArgumentHelp("Ports to update (with --update).", valueName: "name"))
  var names: [String] = []

  func validate() throws {
    if !names.isEmpty && !update {
      throw ValidationError("port names are only used with '--update'; add '--update'")
    }
  }

  func run() throws {
    let environment = ProcessInfo.processInfo.environment
    let loaded = try project.load(environment: environment)
    let sources = try LockedPortSources.commandLine(
      kraftfile: loaded.kraftfile, offline: offline, locked: false,
      refresh: update ? Set(names) : nil, environment: environment)
    let prepared = try ProjectFetcher(kraftfile: loaded.kraftfile, sources: sources).fetch(prune: true)
    let unknown = names.filter { name in !prepared.contains { $0.name == name } }
    if !unknown.isEmpty {
      throw FetchError(
        .usage,
        "the project uses no port named " + unknown.map { "'\($0)'" }.joined(separator: ", ")
          + "; 'kraft fetch' lists the ports it uses")
    }
    try sources.lock.writeIfMissing()
    print("wrote \(sources.lock.lockPath) (\(sources.lock.lockfile.entries.count) entries)")
  }
}
