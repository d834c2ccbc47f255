/// Where a resolved option value came from, in precedence order (later steps override
/// earlier ones): defaults < `unikraft: kconfig:` < `libraries: <name>: kconfig:` < top-level
/// `kconfig:` < `targets: - kconfig:`.
public enum OptionOrigin: Hashable, Sendable, Codable, CustomStringConvertible {
  /// The manifest's `default:` of the named library.
  case manifestDefault(library: String)
  /// A library's implicit `CONFIG_LIB<NAME>` is y because selection pulled the library in.
  case selection(reason: String)
  /// Unavailable because a `depends-on` option is n.
  case unmetDependency(option: String)
  case unikraft
  case library(String)
  case project
  case target(String)

  /// The precedence rank: a higher rank overrides a lower one.
  public var rank: Int {
    switch self {
    case .manifestDefault, .selection, .unmetDependency: return 0
    case .unikraft: return 1
    case .library: return 2
    case .project: return 3
    case .target: return 4
    }
  }

  public var description: String {
    switch self {
    case .manifestDefault(let library): return "the default in library '\(library)'"
    case .selection(let reason): return "library selection (\(reason))"
    case .unmetDependency(let option): return "unavailable because '\(option)' is not y"
    case .unikraft: return "'unikraft: kconfig:'"
    case .library(let name): return "'libraries: \(name): kconfig:'"
    case .project: return "the top-level 'kconfig:'"
    case .target(let name): return "the 'kconfig:' of target '\(name)'"
    }
  }
}

/// One option's final value and how it got there.
public struct ResolvedOption: Hashable, Sendable, Codable {
  public var option: LibraryOption
  /// nil: undefined (an int or string without default, or an option whose dependencies are
  /// unmet and that is not a bool).
  public var value: OptionValue?
  public var origin: OptionOrigin
  public var location: SourceLocation?
  /// Lower-precedence settings this one overrode, earliest first.
  public var overridden: [OptionSetting]

  public init(
    option: LibraryOption, value: OptionValue?, origin: OptionOrigin,
    location: SourceLocation? = nil, overridden: [OptionSetting] = []
  ) {
    self.option = option
    self.value = value
    self.origin = origin
    self.location = location
    self.overridden = overridden
  }
}

/// A value as one precedence step set it.
public struct OptionSetting: Hashable, Sendable, Codable {
  public var text: String
  public var origin: OptionOrigin
  public var location: SourceLocation?

  public init(text: String, origin: OptionOrigin, location: SourceLocation? = nil) {
    self.text = text
    self.origin = origin
    self.location = location
  }
}

/// The options of one image, resolved: which libraries it contains and every option's value.
public struct OptionResolution: Hashable, Sendable, Codable {
  /// Selected libraries, in a stable order (arch, platform, then as selected).
  public var libraries: [LibraryManifest]
  /// Every option of every selected library (including `CONFIG_LIB<NAME>`), sorted by name.
  public var options: [ResolvedOption]
  /// Settings kraft accepts without acting on them (Unikraft's options that no kraft library
  /// declares: `UnikraftOptionTable`), for the command to print with their Kraftfile lines;
  /// and notes on choices the selection made on its own (musl as the libc lwip needs).
  public var warnings: [Diagnostic]

  public init(libraries: [LibraryManifest], options: [ResolvedOption], warnings: [Diagnostic] = []) {
    self.libraries = libraries
    self.options = options.sorted { $0.option.name < $1.option.name }
    self.warnings = warnings
  }

  public subscript(name: String) -> ResolvedOption? {
    options.first { $0.option.name == name }
  }

  /// True when `condition` holds (a bool option that is y, or `!` one that is not).
  public func holds(_ condition: OptionCondition) -> Bool {
    let on = self[condition.option]?.value?.isEnabled ?? false
    return condition.negated ? !on : on
  }

  /// `kraft config explain`: the value, who set it, and what it overrode.
  public func explain(_ name: String) -> String? {
    guard let resolved = self[name] else { return nil }
    var lines = ["\(name)=\(resolved.value?.description ?? "(undefined)")"]
    var setBy = "  set by \(resolved.origin)"
    if let location = resolved.location { setBy += " at \(location)" }
    lines.append(setBy)
    lines.append("  declared by library '\(resolved.option.library)' as \(resolved.option.kind.rawValue)")
    if let help = resolved.option.help { lines.append("  help: \(help)") }
    for setting in resolved.overridden.reversed() {
      var line = "  overrides \(setting.text) from \(setting.origin)"
      if let location = setting.location { line += " at \(location)" }
      lines.append(line)
    }
    return lines.joined(separator: "\n")
  }
}
