import KraftModel

/// Every `kconfig:` assignment that applies to one target, stacked by precedence: defaults <
/// `unikraft:` < `libraries: <name>:` < top level < the target's own. The last setting of a
/// name wins; the ones below it are kept to explain the result.
struct KConfigLayers {
  /// Per option name, every setting in precedence order (the last wins).
  private(set) var settings: [String: [OptionSetting]] = [:]
  /// Names in the order first written, for deterministic error order.
  private(set) var names: [String] = []
  private(set) var problems: [Diagnostic] = []

  init(kraftfile: Kraftfile, target: Target) {
    if let unikraft = kraftfile.unikraft { add(unikraft.kconfig, origin: .unikraft) }
    for library in kraftfile.libraries { add(library.kconfig, origin: .library(library.name)) }
    add(kraftfile.kconfig, origin: .project)
    add(target.kconfig, origin: .target(target.name ?? target.shortForm))
  }

  /// The winning setting of `name`, if any step set it.
  func winner(_ name: String) -> OptionSetting? { settings[name]?.last }

  private mutating func add(_ assignments: [KConfigAssignment], origin: OptionOrigin) {
    for assignment in assignments {
      let setting = OptionSetting(
        text: assignment.value, origin: origin, location: assignment.location)
      var list = settings[assignment.name] ?? []
      // The same step saying two different things is a contradiction, not an override.
      if let same = list.last(where: { $0.origin == origin }), same.text != setting.text {
        problems.append(
          Diagnostic(
            .error,
            "'\(assignment.name)' is set to both '\(same.text)' and '\(setting.text)' in \(origin); keep one",
            at: assignment.location,
            notes: [Diagnostic(.note, "first set to '\(same.text)' here", at: same.location)]))
      }
      if list.isEmpty { names.append(assignment.name) }
      list.append(setting)
      settings[assignment.name] = list
    }
  }
}
