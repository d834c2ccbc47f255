import Foundation
import KraftBasics
import KraftManifest
import KraftModel

/// The warnings of a Kraftfile kraft still accepts (a `kconfig` option set twice: the later
/// value wins, as in Unikraft), printed on standard error by whichever command loads the
/// project, rendered as errors are (file, line, column, the line and a caret). Every project
/// load in kraft's commands goes through `report`, so no command can forget them.
enum KraftfileWarnings {
  /// The Kraftfiles already reported by this process: a command that loads its project twice
  /// (or reloads it after an edit) still prints each warning once.
  private final class Reported: @unchecked Sendable {
    private let lock = NSLock()
    private var paths: Set<String> = []

    /// True the first time `path` is seen.
    func insert(_ path: String) -> Bool {
      lock.lock()
      defer { lock.unlock() }
      return paths.insert(path).inserted
    }
  }

  private static let reported = Reported()

  static func report(
    _ loaded: LoadedKraftfile, to output: any TextOutput = StandardStream.error,
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) {
    guard !loaded.warnings.isEmpty, reported.insert(loaded.location.path) else { return }
    let colour = output.isTerminal && environment["NO_COLOR"] == nil
    let rendered = DiagnosticRenderer(colour: colour).render(
      loaded.warnings, sources: [loaded.location.displayPath: loaded.text])
    output.write(rendered + "\n")
  }

  /// Warnings found while resolving options (`OptionResolution.warnings`), each once even
  /// when several targets found it, rendered against the Kraftfile's text.
  static func report(
    resolution warnings: [Diagnostic], of loaded: LoadedKraftfile,
    to output: any TextOutput = StandardStream.error,
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) {
    var unique: [Diagnostic] = []
    for warning in warnings where !unique.contains(warning) { unique.append(warning) }
    guard !unique.isEmpty else { return }
    let colour = output.isTerminal && environment["NO_COLOR"] == nil
    output.write(
      DiagnosticRenderer(colour: colour).render(unique, sources: [loaded.location.displayPath: loaded.text])
        + "\n")
  }
}
