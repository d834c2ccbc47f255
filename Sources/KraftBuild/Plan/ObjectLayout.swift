/// Where a library's objects go, and which of a port's sources are its glue: the rules the
/// planner, the link, the prebuilt store and the size report all follow, spelled once.
///
/// An object is `<folder>/obj/<library>/<relative>.o`, the folder being a target's
/// (`<outdir>/qemu-x86_64`) or one several targets share (`<outdir>/fc+qemu-x86_64`,
/// `SharedObjects`).
public enum ObjectLayout {
  /// The object compiling `relative` (a source's path within its library) of `library` in
  /// `folder`.
  public static func object(in folder: String, library: String, relative: String) -> String {
    libraryFolder(in: folder, library: library) + "/" + relative + ".o"
  }

  /// The folder holding `library`'s objects in `folder`.
  public static func libraryFolder(in folder: String, library: String) -> String {
    folder + "/obj/" + library
  }

  /// The target's (or shared) folder directly below `outputDirectory` that holds `object` of
  /// `library`, or nil when the object was not placed by this rule.
  public static func folder(of object: String, library: String, outputDirectory: String) -> String? {
    guard object.hasPrefix(outputDirectory + "/") else { return nil }
    let below = object.dropFirst(outputDirectory.count + 1)
    guard let slash = below.firstIndex(of: "/") else { return nil }
    let folder = outputDirectory + "/" + below[..<slash]
    return object.hasPrefix(libraryFolder(in: folder, library: library) + "/") ? folder : nil
  }

  /// The library an object path belongs to (the folder after its last `obj`), for paths as a
  /// linker map names them; nil for anything else (linker-generated content).
  public static func library(ofObject path: String) -> String? {
    let parts = path.split(separator: "/")
    guard let obj = parts.lastIndex(of: "obj"), obj + 1 < parts.count - 1 else { return nil }
    return String(parts[obj + 1])
  }

  /// Whether a port's source is its glue (in its recipe folder) rather than upstream's (in its
  /// fetched tree, which a local port may keep inside the recipe folder).
  public static func isGlue(source: String, recipe: String, tree: String) -> Bool {
    source.hasPrefix(recipe + "/") && !source.hasPrefix(tree + "/")
  }
}
