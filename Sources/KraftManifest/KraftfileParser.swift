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
    let root = try YAMLComposer.compose(text, file: file, limits: limits)
    var decoder = KraftfileDecoder(environment: environment)
    let kraftfile = try decoder.decode(root, directory: directory)
    let problems = decoder.problems + KraftfileValidator.problems(in: kraftfile)
    guard problems.isEmpty else { throw Diagnostics(Self.inFileOrder(problems)) }
    return kraftfile
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
