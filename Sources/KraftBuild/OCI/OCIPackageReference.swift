import KraftFetch

/// The name `kraft pkg --name` gives a package: `name[:tag]` as kraftkit takes it
/// (`team/helloworld:latest`), the tag `latest` when none is given. In kraft's store
/// the whole `name:tag` is the layout's reference name; in an `--output oci:DIR` layout only
/// the tag is, as skopeo and umoci address such a layout (`oci:DIR:TAG`).
public struct OCIPackageReference: Hashable, Sendable, CustomStringConvertible {
  public var name: String
  public var tag: String

  public static let defaultTag = "latest"

  /// Nil when `text` is not a valid reference name (see `OCILayout.isValidReferenceName`).
  public init?(_ text: String) {
    // A ':' after the last '/' starts the tag; one before it is a registry's port.
    var colon = text.lastIndex(of: ":")
    if let found = colon, let slash = text.lastIndex(of: "/"), found < slash { colon = nil }
    if let colon {
      name = String(text[..<colon])
      tag = String(text[text.index(after: colon)...])
    } else {
      name = text
      tag = Self.defaultTag
    }
    guard OCILayout.isValidReferenceName(description), !tag.contains("/"), !tag.isEmpty,
      !name.isEmpty
    else { return nil }
  }

  /// A project name turned into a package name: lower case, as registries require.
  public init?(projectName: String) {
    self.init(projectName.lowercased())
  }

  public var description: String { name + ":" + tag }
}
