import ArgumentParser
import Foundation
import KraftBuild
import KraftFetch
import KraftModel

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
    let environment = ProcessInfo.processInfo.environment
    let fetcher = try LockedPortSources.fetcher(offline: offline, environment: environment)
    fetcher.verifyEverything = verify
    let sources = try LockedPortSources(
      fetcher: fetcher,
      kraftfileDirectory: loaded.kraftfile.directory, locked: locked)
    let context = ProjectBuild(kraftfile: loaded.kraftfile, portSources: sources)
    let targets = try targetFilter.targets(context.layout, named: target)
    try PortResolution.resolve(
      context, selected: targets, sources: sources,
      prune: target.isEmpty && targetFilter.platform == nil && targetFilter.architecture == nil)
    for (name, prepared) in sources.prepared.sorted(by: { $0.key < $1.key }) {
      let entry = prepared.lockEntry
      print(
        "\(name) \(entry.version): "
          + (prepared.downloaded ? "fetched" : prepared.repaired ? "repaired" : "cached")
          + " (tree \(entry.pin.treeHash ?? "?")"
          + (entry.pin.preparedTree.map { ", prepared \($0)" } ?? "") + ")")
    }
    if sources.prepared.isEmpty { print("nothing to fetch: the project uses no ports") }
  }
}

/// Asks the planner for every selected port of every target (planning is what knows which
/// ports an image needs, transitively), without building anything.
enum PortResolution {
  static func resolveAll(
    _ context: ProjectBuild, targets names: [String], sources: LockedPortSources, prune: Bool
  ) throws {
    try resolve(context, selected: try context.layout.targets(named: names), sources: sources, prune: prune)
  }

  static func resolve(
    _ context: ProjectBuild, selected targets: [Target], sources: LockedPortSources, prune: Bool
  ) throws {
    _ = try context.plan(targets: targets, compiler: nil, extraCFlags: [])
    if prune { try sources.prune(keeping: Set(sources.prepared.keys)) }
  }
}
