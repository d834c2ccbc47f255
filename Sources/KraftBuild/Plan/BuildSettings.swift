import Foundation
import KraftModel

/// Build settings a Kraftfile may give under the `x-build:` extension key (Unikraft's
/// Kraftfile has no such keys, and `x-` keys are what its format leaves for tools):
///
///     x-build:
///       compiler: gcc            # or clang (default), or a compiler's name or path
///       cflags: [-Wall, -D_GNU_SOURCE] # the application's own sources only
///       sources: [src/*.c]       # the app's sources, instead of *.c/*.S beside the Kraftfile
///
/// Command-line options (`--compiler`, `--cflags`) take precedence over these.
public struct BuildSettings: Hashable, Sendable, Decodable {
  public var compiler: String?
  public var cflags: [String]?
  public var sources: [String]?

  public static let extensionKey = "x-build"

  public init(compiler: String? = nil, cflags: [String]? = nil, sources: [String]? = nil) {
    self.compiler = compiler
    self.cflags = cflags
    self.sources = sources
  }

  /// Reads `x-build` from a Kraftfile (kept verbatim as JSON text by the parser).
  public init(kraftfile: Kraftfile) throws {
    guard let json = kraftfile.extensions[Self.extensionKey] else {
      self.init()
      return
    }
    do {
      self = try JSONDecoder().decode(BuildSettings.self, from: Data(json.utf8))
    } catch {
      throw Diagnostics([
        Diagnostic(
          .error,
          "'x-build' must be a map with 'compiler' (a string), 'cflags' and 'sources' (lists of strings)"
        )
      ])
    }
  }
}
