import ArgumentParser
import Foundation
import KraftBuild

/// `kraft fetch`: brings every upstream source the project's images need into the shared
/// cache, verified and patched, and records them in `Kraftfile.lock`.
struct FetchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "fetch",
    abstract: "Fetch, verify and patch the upstream sources of every port the project uses.",
    discussion: """
      Sources go to the shared cache ($KRAFT_CACHE_DIR, else $XDG_CACHE_HOME/kraft, else \
      ~/.cache/kraft); a source already there is not fetched again. Upstream URLs are \
      rewritten by $KRAFT_MIRRORS and ~/.config/kraft/mirrors.yaml. See docs/ports.md.
      """)

  @OptionGroup var project: ProjectOptions

  @Flag(help: "Use only the cache; fail naming every source that is missing.")
  var offline = false

  @Flag(help: "Fail when Kraftfile.lock is missing or disagrees, instead of updating it.")
  var locked = false

  @Option(name: [.short, .long], help: "Only the targets named (plat/arch or name).")
  var target: [String] = []

  @Flag(
    help: """
      Hash every cached tree the project uses again instead of comparing sizes and times, \
      and make any that changed again from its verified archive or repository.
      """)
  var verify = false

  @OptionGroup var targetFilter: PlatformArchitectureOptions

  func run() throws {
    let loaded = try project.load()
    let sources = try LockedPortSources.commandLine(
      kraftfile: loaded.kraftfile, offline: offline, locked: locked, verifyEverything: verify)
    let fetcher = ProjectFetcher(kraftfile: loaded.kraftfile, sources: sources)
    let prepared = try fetcher.fetch(
      selected: try targetFilter.targets(fetcher.project.layout, named: target),
      prune: target.isEmpty && targetFilter.platform == nil && targetFilter.architecture == nil)
    for source in prepared {
      let entry = source.lockEntry
      print(
        "\(source.name) \(entry.version): "
          + (source.downloaded ? "fetched" : source.repaired ? "repaired" : "cached")
          + " (tree \(entry.pin.treeHash ?? "?")"
          + (entry.pin.preparedTree.map { ", prepared \($0)" } ?? "") + ")")
    }
    if prepared.isEmpty { print("nothing to fetch: the project uses no ports") }
  }
}
