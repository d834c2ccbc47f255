import ArgumentParser
import Foundation
import KraftBasics
import KraftManifest
import KraftModel

/// Turns an error that ended a command into what the user sees and the exit status.
/// `Diagnostics` are rendered compiler-style with the offending source line and a caret,
/// coloured only on a terminal (and never when `NO_COLOR` is set).
struct ErrorReporter {
  var output: any TextOutput
  var fileSystem: any FileSystem
  var environment: [String: String]

  /// The text to print for a `KraftError`.
  func render(_ error: any KraftError) -> String {
    let colour = output.isTerminal && environment["NO_COLOR"] == nil
    let renderer = DiagnosticRenderer(colour: colour)
    guard let diagnostics = error as? Diagnostics else {
      return renderer.render([Diagnostic(error.message)], sources: [:])
    }
    return renderer.render(diagnostics.items, sources: sources(for: diagnostics.items))
  }

  func report(_ error: any KraftError) -> Int32 {
    output.write(render(error) + "\n")
    return ExitStatus.code(for: error.kind)
  }

  /// The text of every file the diagnostics point into, when it can still be read.
  private func sources(for diagnostics: [Diagnostic]) -> [String: String] {
    var sources: [String: String] = [:]
    var pending = diagnostics
    while let diagnostic = pending.popLast() {
      pending += diagnostic.notes
      guard let file = diagnostic.location?.file, sources[file] == nil else { continue }
      let path = fileSystem.absolutePath(file)
      if let text = try? fileSystem.readText(path) { sources[file] = text }
    }
    return sources
  }
}

/// An error that is a bug in kraft: anything a command throws that is neither a `KraftError`
/// nor one of ArgumentParser's own.
struct InternalError: KraftError {
  var underlying: String
  var kind: ErrorKind { .internal }
  var message: String {
    "internal error: \(underlying); this is a bug in kraft, please report it"
  }
}
