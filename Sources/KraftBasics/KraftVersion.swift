/// kraft's own version: printed by `kraft version` and recorded in release manifests,
/// because a release image's bytes may depend on it.
public enum KraftVersion {
  public static let current = "0.1.0"
}
