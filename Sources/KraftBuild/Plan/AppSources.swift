import KraftBasics
import KraftModel

/// The application's code, found the way the project asks: a Unikraft `Makefile.uk` beside the
/// Kraftfile wins; otherwise an explicit list of files (globs allowed) when one is given;
/// otherwise every `*.c` and `*.S` directly in the Kraftfile's folder. When a selected port is
/// the image's program (it provides the `program` capability: its sources hold `main`, as
/// Redis's server.c does), the project has no code of its own.
public struct AppSources: Sendable {
  /// The capability of a port whose own sources are the image's program.
  public static let programCapability = "program"

  public var directory: String
  public var explicit: [String]?
  /// The selected library providing `program`, if any.
  public var programLibrary: String?
  public var fileSystem: FileSystem

  public init(
    directory: String, explicit: [String]? = nil, programLibrary: String? = nil,
    fileSystem: FileSystem
  ) {
    self.directory = directory
    self.explicit = explicit
    self.programLibrary = programLibrary
    self.fileSystem = fileSystem
  }

  /// One library per `addlib` in Makefile.uk, or a single library `app`. `options` are the
  /// resolved values (`CONFIG_X` → `y` or its value) that `-$(CONFIG_X)` suffixes test.
  public func libraries(options: [String: String]) throws -> [MakefileUk.Library] {
    guard let programLibrary else { return try projectLibraries(options: options) }
    let own = (try? projectLibraries(options: options)) ?? []
    if let first = own.first?.sources.first {
      throw Diagnostics([
        Diagnostic(
          .error,
          "'\(programLibrary)' is the image's program (it provides '\(Self.programCapability)'), "
            + "so the project has no sources of its own, but it has '\(first)'; remove them, or remove '\(programLibrary)' from 'libraries:'"
        )
      ])
    }
    return []
  }

  private func projectLibraries(options: [String: String]) throws -> [MakefileUk.Library] {
    let makefile = directory + "/Makefile.uk"
    if fileSystem.exists(makefile) {
      let text = try fileSystem.readText(makefile)
      let parsed = try MakefileUkReader(baseDirectory: directory, options: options)
        .read(text, file: makefile)
      if parsed.libraries.isEmpty {
        throw Diagnostics([
          Diagnostic(
            .error,
            "'Makefile.uk' declares no library; add '$(eval $(call addlib,appname))' and 'APPNAME_SRCS-y += $(APPNAME_BASE)/main.c'",
            at: SourceLocation(file: makefile, line: 1, column: 1))
        ])
      }
      return parsed.libraries
    }
    var sources: [String] = []
    if let explicit {
      for pattern in explicit {
        let matches = try fileSystem.glob(pattern, in: directory)
        if matches.isEmpty {
          throw Diagnostics([
            Diagnostic(.error, "source '\(pattern)' matches no file in '\(directory)'")
          ])
        }
        sources += matches.map { directory + "/" + $0 }
      }
    } else {
      sources = try fileSystem.list(directory)
        .filter { $0.hasSuffix(".c") || $0.hasSuffix(".S") }
        .map { directory + "/" + $0 }
    }
    if sources.isEmpty {
      throw Diagnostics([
        Diagnostic(
          .error,
          "no application sources in '\(directory)'; add a 'main.c' (or a 'Makefile.uk') beside the Kraftfile"
        )
      ])
    }
    var includes: [String] = [directory]
    if fileSystem.isDirectory(directory + "/include") { includes.append(directory + "/include") }
    return [MakefileUk.Library(name: "app", sources: sources, includes: includes)]
  }
}
