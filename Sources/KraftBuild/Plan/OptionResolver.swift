import KraftModel

/// Resolves one target's image: selects its libraries (`LibrarySelector`), then gives every
/// option of those libraries a value by precedence, checking types, ranges, `depends-on`, and
/// that every `kconfig:` name means something. All problems are reported together.
public struct OptionResolver: Sendable {
  /// Every library known to this build (kernel libraries and ports), whatever the target.
  public let catalog: [LibraryManifest]

  public init(catalog: [LibraryManifest]) {
    self.catalog = catalog
  }

  public func resolve(_ kraftfile: Kraftfile, for target: Target) throws(Diagnostics)
    -> OptionResolution
  {
    let layers = KConfigLayers(kraftfile: kraftfile, target: target)
    var problems = layers.problems
    let libraryByEnableOption = Dictionary(
      catalog.map { ($0.enableOption, $0) }, uniquingKeysWith: { first, _ in first })

    // Explicit CONFIG_LIB<NAME> settings decide selection.
    var enabled: [String: (on: Bool, setting: OptionSetting)] = [:]
    for name in layers.names {
      guard let library = libraryByEnableOption[name], let setting = layers.winner(name) else {
        continue
      }
      let option = LibraryOption(name: name, kind: .bool, library: library.name)
      do {
        enabled[library.name] = (try option.parse(setting.text).isEnabled, setting)
      } catch {
        problems.append(Diagnostic(.error, error.message, at: setting.location))
      }
    }

    let named = kraftfile.libraries.map { (name: $0.name, location: $0.location) }
    let (selection, selectionProblems) = LibrarySelector(catalog: catalog, target: target)
      .select(named: named, enabled: enabled)
    problems += selectionProblems

    var declared: [String: LibraryOption] = [:]
    var order: [String] = []
    for library in selection.libraries {
      for option in library.options {
        if let other = declared[option.name] {
          problems.append(
            Diagnostic(
              .error,
              "option '\(option.name)' is declared by both '\(other.library)' and '\(library.name)'; rename one",
              at: option.location))
          continue
        }
        declared[option.name] = option
        order.append(option.name)
      }
    }

    let (unknown, unknownWarnings) = unknownNames(
      layers: layers, declared: declared, libraryByEnableOption: libraryByEnableOption)
    problems += unknown
    let warnings = selection.notes + unknownWarnings

    var evaluator = ValueEvaluator(
      declared: declared, layers: layers,
      selectedNames: Set(selection.libraries.map(\.name)),
      libraryByEnableOption: libraryByEnableOption)
    var resolved: [ResolvedOption] = []
    for name in order {
      resolved.append(evaluator.resolve(name))
    }
    problems += evaluator.problems

    for library in selection.libraries {
      let option = LibraryOption(
        name: library.enableOption, kind: .bool, defaultValue: .bool(false),
        help: "Include library '\(library.name)' in the image.", library: library.name)
      let setting = layers.winner(library.enableOption)
      resolved.append(
        ResolvedOption(
          option: option, value: .bool(true),
          origin: setting?.origin ?? .selection(reason: selection.reasons[library.name] ?? ""),
          location: setting?.location,
          overridden: Array((layers.settings[library.enableOption] ?? []).dropLast())))
    }

    if !problems.isEmpty { throw Diagnostics(problems) }
    return OptionResolution(libraries: selection.libraries, options: resolved, warnings: warnings)
  }

  /// Names set in a Kraftfile that no selected library declares: errors, except Unikraft's
  /// options kraft knows (`UnikraftOptionTable`): warnings, or nothing for a built-in one set
  /// to y.
  private func unknownNames(
    layers: KConfigLayers, declared: [String: LibraryOption],
    libraryByEnableOption: [String: LibraryManifest]
  ) -> (problems: [Diagnostic], warnings: [Diagnostic]) {
    var problems: [Diagnostic] = []
    var warnings: [Diagnostic] = []
    let allOptions = catalog.flatMap { library in library.options.map { ($0.name, library) } }
    for name in layers.names where declared[name] == nil && libraryByEnableOption[name] == nil {
      let location = layers.winner(name)?.location
      if let owner = allOptions.first(where: { $0.0 == name })?.1 {
        problems.append(
          Diagnostic(
            .error,
            "'\(name)' belongs to library '\(owner.name)', which is not part of this image; enable it with '\(owner.enableOption)=y'",
            at: location))
        continue
      }
      if UnikraftOptionTable.entries[name] != nil, let setting = layers.winner(name) {
        if let warning = UnikraftOptionTable.warning(name: name, value: setting.text, at: location) {
          warnings.append(warning)
        }
        continue
      }
      var message = "unknown option '\(name)'"
      let candidates = allOptions.map(\.0) + Array(libraryByEnableOption.keys).sorted()
      if let close = Suggestion.closest(to: name, in: candidates) {
        message += "; did you mean '\(close)'?"
      }
      problems.append(Diagnostic(.error, message, at: location))
    }
    return (problems, warnings)
  }
}

/// Gives options their values, following `depends-on` (memoised, cycles reported).
private struct ValueEvaluator {
  let declared: [String: LibraryOption]
  let layers: KConfigLayers
  let selectedNames: Set<String>
  let libraryByEnableOption: [String: LibraryManifest]
  var done: [String: ResolvedOption] = [:]
  var inProgress: Set<String> = []
  var problems: [Diagnostic] = []

  /// Whether a `depends-on` entry is y.
  mutating func isOn(_ name: String, neededBy: LibraryOption) -> Bool {
    if let library = libraryByEnableOption[name] { return selectedNames.contains(library.name) }
    guard declared[name] != nil else { return false }
    if inProgress.contains(name) {
      problems.append(
        Diagnostic(
          .error, "'\(neededBy.name)' and '\(name)' depend on each other; break the cycle",
          at: neededBy.location))
      return false
    }
    return resolve(name).value?.isEnabled ?? false
  }

  mutating func resolve(_ name: String) -> ResolvedOption {
    if let known = done[name] { return known }
    let option = declared[name]!
    inProgress.insert(name)
    defer { inProgress.remove(name) }
    let settings = layers.settings[name] ?? []
    let result: ResolvedOption
    if let unmet = option.dependsOn.first(where: { !isOn($0, neededBy: option) }) {
      if let setting = settings.last {
        let wantsOn = (try? option.parse(setting.text))?.isEnabled ?? true
        if option.kind != .bool || wantsOn {
          problems.append(
            Diagnostic(
              .error,
              "'\(name)' cannot be set: it depends on '\(unmet)', which is not y; set '\(unmet)=y' too or remove this setting",
              at: setting.location))
        }
      }
      result = ResolvedOption(
        option: option, value: option.kind == .bool ? .bool(false) : nil,
        origin: .unmetDependency(option: unmet), overridden: settings)
    } else if let setting = settings.last {
      var value: OptionValue? = option.defaultValue
      do {
        value = try option.parse(setting.text)
      } catch {
        problems.append(Diagnostic(.error, error.message, at: setting.location))
      }
      var history = Array(settings.dropLast())
      if let fallback = option.defaultValue {
        history.insert(
          OptionSetting(
            text: fallback.description, origin: .manifestDefault(library: option.library),
            location: option.location), at: 0)
      }
      result = ResolvedOption(
        option: option, value: value, origin: setting.origin, location: setting.location,
        overridden: history)
    } else {
      result = ResolvedOption(
        option: option, value: option.defaultValue,
        origin: .manifestDefault(library: option.library), location: option.location)
    }
    done[name] = result
    return result
  }
}
