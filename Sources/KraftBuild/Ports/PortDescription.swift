import KraftBasics
import KraftManifest
import KraftModel

/// Everything `kraft port` shows about one port: its `port.yaml` read twice, once for the
/// build keys (`LibraryManifest`) and once for where its code comes from (`PortRecipe`), plus
/// the descriptive keys only people read (`license`, `homepage`).
public struct PortDescription: Hashable, Sendable {
  public var manifest: LibraryManifest
  public var recipe: PortRecipe
  public var license: String?
  public var homepage: String?
  /// Patch file names under `patches/`, in the order they apply.
  public var patches: [String]

  public var name: String { manifest.name }
  public var directory: String { manifest.directory }

  public init(
    manifest: LibraryManifest, recipe: PortRecipe, license: String? = nil,
    homepage: String? = nil, patches: [String] = []
  ) {
    self.manifest = manifest
    self.recipe = recipe
    self.license = license
    self.homepage = homepage
    self.patches = patches
  }

  /// Reads `<directory>/port.yaml`.
  public static func load(directory: String, fileSystem: any FileSystem) throws
    -> PortDescription
  {
    let path = directory + "/port.yaml"
    let text = try fileSystem.readText(path)
    var manifest = try LibraryManifestParser(extraKeys: LibraryCatalog.portOnlyKeys).parse(
      text, file: path, directory: directory)
    manifest.kind = .port
    let recipe = try PortRecipeParser.parse(text, file: path, directory: directory)
    let map = try YAMLComposer.compose(text, file: path).mapping(for: "the port recipe")
    let patchFolder = directory + "/patches"
    let patches =
      fileSystem.isDirectory(patchFolder)
      ? try fileSystem.list(patchFolder).filter { $0.hasSuffix(".patch") || $0.hasSuffix(".diff") }
        .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) } : []
    return PortDescription(
      manifest: manifest,
      recipe: recipe,
      license: try map.optionalString("license"), homepage: try map.optionalString("homepage"),
      patches: patches)
  }
}
