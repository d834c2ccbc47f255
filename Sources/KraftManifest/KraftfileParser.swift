import KraftModel

/// Kraftfile text to a validated `Kraftfile`. Parsing stops at the first structural error
/// (invalid YAML, a value of the wrong shape); otherwise every semantic problem in the file is
/// thrown together, in file order, as one `Diagnostics`.
///
/// ```swift
/// let parser = KraftfileParser(environment: ProcessInfo.processInfo.environment)
/// let kraftfile = try parser.parse(text, file: "Kraftfile", directory: "/home/me/app")
/// ```
public struct KraftfileParser: Sendable {
  /// Where `${VAR}` and bare `env:` names take their values from.
  public var environment: [String: String]
  public var limits: YAMLLimits

  public init(environment: [String: String] = [:], limits: YAMLLimits = .default) {
    self.environment = environment
    self.limits = limits
  }

  /// `file` is the path shown in diagnostics; `directory` the absolute folder that relative
  /// paths in the Kraftfile resolve against.
  public func parse(_ text: String, file: String, directory: String) throws -> Kraftfile {
    try parseWithWarnings(text, file: file, directory: directory).kraftfile
  }

  /// As `parse`, also returning the warnings (a `kconfig` option set twice, where the later
  /// value wins as in Unikraft), in file order. Errors are thrown with the warnings among them.
  public func parseWithWarnings(_ text: String, file: String, directory: String) throws
    -> (kraftfile: Kraftfile, warnings: [Diagnostic])
  {
    // Unikraft reads a `kconfig` map that repeats a key (its catalog has such files); every
    // other map must not repeat one.
    let root = try YAMLComposer.compose(
      text, file: file, limits: limits, allowsDuplicateKeys: Self.isKConfigBlock)
    var decoder = KraftfileDecoder(environment: environment)
    let kraftfile = try decoder.decode(root, directory: directory)
    let problems = Self.inFileOrder(decoder.problems + KraftfileValidator.problems(in: kraftfile))
    guard problems.allSatisfy({ $0.severity != .error }) else {
      throw Diagnostics(Self.firstProblems(problems))
    }
    return (KraftfileValidator.keepingLastAssignments(kraftfile), problems)
  }

  /// As compilers do, at most `maxReported` problems, then one line counting the rest: a
  /// generated file with thousands of mistakes would otherwise print (and render each source
  /// line of) every one.
  static func firstProblems(_ problems: [Diagnostic]) -> [Diagnostic] {
    guard problems.count > maxReported else { return problems }
    return Array(problems.prefix(maxReported)) + [
      Diagnostic("\(problems.count - maxReported) more problems not shown; fix these first")
    ]
  }

  static let maxReported = 100

  /// The paths of `kconfig:` blocks: top level, `unikraft:`, a library's, a target's.
  static func isKConfigBlock(_ path: [String?]) -> Bool {
    switch path.count {
    case 1: return path == ["kconfig"]
    case 2: return path == ["unikraft", "kconfig"]
    case 3: return path[2] == "kconfig" && (path[0] == "libraries" || path[0] == "targets")
    default: return false
    }
  }

  /// Stable order: by line and column, problems without a position last.
  static func inFileOrder(_ problems: [Diagnostic]) -> [Diagnostic] {
    problems.enumerated().sorted { left, right in
      let a = left.element.location
      let b = right.element.location
      switch (a, b) {
      case let (a?, b?) where (a.line, a.column) != (b.line, b.column):
        return (a.line, a.column) < (b.line, b.column)
      case (_?, nil): return true
      case (nil, _?): return false
      default: return left.offset < right.offset
      }
    }.map(\.element)
  }
}
