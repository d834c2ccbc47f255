import KraftBasics
import KraftModel

/// A target with its libraries and options resolved: what the resolve step hands to the fetch
/// step (which ports to prepare) and to the planner.
public struct ResolvedTarget: Sendable {
  public var target: Target
  public var resolution: OptionResolution

  public init(target: Target, resolution: OptionResolution) {
    self.target = target
    self.resolution = resolution
  }

  /// Resolves every target; the problems of all targets together, each once.
  public static func resolveAll(
    _ kraftfile: Kraftfile, targets: [Target], catalog: [LibraryManifest]
  ) throws -> [ResolvedTarget] {
    let resolver = OptionResolver(catalog: catalog)
    return try Diagnostics.collecting(targets) { target in
      ResolvedTarget(target: target, resolution: try resolver.resolve(kraftfile, for: target))
    }
  }
}

extension Diagnostics {
  /// `body` applied to each element; the problems of all elements together, each once (several
  /// targets often share them), instead of stopping at the first.
  static func collecting<Element, Result>(
    _ elements: [Element], _ body: (Element) throws -> Result
  ) throws -> [Result] {
    var problems: [Diagnostic] = []
    var results: [Result] = []
    for element in elements {
      do {
        results.append(try body(element))
      } catch let diagnostics as Diagnostics {
        for item in diagnostics.items where !problems.contains(item) { problems.append(item) }
      }
    }
    if !problems.isEmpty { throw Diagnostics(problems) }
    return results
  }
}
