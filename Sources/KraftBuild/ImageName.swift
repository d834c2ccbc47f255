import KraftModel

/// Names of build outputs, shared by `kraft build` (which writes them) and `kraft run`
/// (which boots them): `<name>_<plat>-<arch>`, as Unikraft names its images.
public enum ImageName {
  public static func image(project: String, target: Target) -> String {
    "\(project)_\(target.platform.shortName)-\(target.architecture.rawValue)"
  }

  /// The unstripped twin, with symbols for crash reports and debuggers.
  public static func debugImage(project: String, target: Target) -> String {
    image(project: project, target: target) + ".dbg"
  }
}
