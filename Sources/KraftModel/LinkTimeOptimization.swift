/// How a library's sources are optimised at link time (`lto:` in library.yaml / port.yaml).
/// ThinLTO only: it keeps a summary per file and imports across files what is worth inlining,
/// so its cost grows with what is imported, not with the whole image as full LTO's does.
public enum LinkTimeOptimization: String, Hashable, Sendable, Codable, CaseIterable {
  /// `-flto=thin`: the objects are bitcode with a summary; ld.lld runs the backend.
  case thin

  /// The compile flag that makes a source's object bitcode for this mode (clang's spelling).
  public var compileFlag: String {
    switch self {
    case .thin: return "-flto=thin"
    }
  }
}
