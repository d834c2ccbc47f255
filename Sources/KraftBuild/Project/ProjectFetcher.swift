import KraftFetch
import KraftModel

/// `kraft fetch`, `kraft lock` and the port commands below the command line: the resolve and
/// fetch steps of the pipeline alone. Every port the selected images need (requirements
/// included) is fetched, verified, patched and recorded in `Kraftfile.lock`; nothing is planned
/// or built, so no toolchain is needed.
public struct ProjectFetcher: Sendable {
  public let project: ProjectBuild
  public let sources: LockedPortSources

  public init(kraftfile: Kraftfile, sources: LockedPortSources) {
    self.project = ProjectBuild(kraftfile: kraftfile, portSources: sources)
    self.sources = sources
  }

  /// Fetches for `targets` (names or plat/arch; none: every target). `prune` (only meaningful
  /// when every target is fetched) drops lock entries the project no longer uses. Returns
  /// every source prepared, the kernel's (`unikraft`) included, sorted by name.
  @discardableResult
  public func fetch(targets names: [String] = [], prune: Bool) throws -> [PreparedSource] {
    try fetch(selected: try project.layout.targets(named: names), prune: prune)
  }

  @discardableResult
  public func fetch(selected targets: [Target], prune: Bool) throws -> [PreparedSource] {
    _ = try project.fetch(try project.resolve(targets: targets))
    if prune { try sources.lock.pruneUnprepared() }
    return sources.lock.prepared.values.sorted { $0.name < $1.name }
  }
}
