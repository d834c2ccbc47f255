import KraftBasics
import KraftModel

/// The application's code, found the way the project asks: a Unikraft `Makefile.uk` beside the
/// Kraftfile wins; otherwise an explicit list of files (globs allowed) when one is given;
/// otherwise every `*.c` and `*.S` directly in the Kraftfile's folder.
public struct AppSources: Sendable {
  public var directory: String
  public var explicit: [String]?
  public var fileSystem: FileSystem

  public init(directory: String, explicit: [String]? = nil, fileSystem: FileSystem) {
    self.directory = directory
    self.explicit = explicit
    self.fileSystem = fileSystem
  }

  /// Whether the project names or holds any code of its own (a Makefile.uk, an explicit list,
  /// or C and assembly files beside the Kraftfile). Without any, a port's program is the app.
  public var hasOwnSources: Bool {
    if fileSystem.exists(directory + "/Makefile.uk") || explicit != nil { return true }
    // A folder that cannot be listed has no sources to offer (its Kraftfile was read elsewhere).
    let names = (try? fileSystem.list(directory)) ?? []
    return names.contains { $0.hasSuffix(".c") || $0.hasSuffix(".S") }
  }

  /// One library per `addlib` in Makefile.uk, or a single library `app`. `options` are the
  /// resolved values (`CONFIG_X` → `y` or its value) that `-$(CONFIG_X)` suffixes test.
  public func libraries(options: [String: String]) throws -> [MakefileUk.Library] {
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
          "no application sources in '\(directory)'; add a 'main.c' (or a 'Makefile.uk') beside the Kraftfile, or a port that is a program ('kraft port add nginx')"
        )
      ])
    }
    var includes: [String] = [directory]
    if fileSystem.isDirectory(directory + "/include") { includes.append(directory + "/include") }
    return [MakefileUk.Library(name: "app", sources: sources, includes: includes)]
  }
}
