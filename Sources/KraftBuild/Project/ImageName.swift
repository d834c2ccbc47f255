import KraftModel

/// Names of build outputs, shared by `kraft build` (which writes them) and `kraft run`
/// (which boots them): `<name>_<plat>-<arch>`, as Unikraft names its images.
public enum ImageName {
  public static func image(project: String, target: Target) -> String {
    "\(fileSafe(project))_\(target.platform.shortName)-\(target.architecture.rawValue)"
  }

  /// A project name as a file name that needs no quoting in a shell or a ninja file: ASCII
  /// letters, digits, `.`, `_`, `+` and `-` are kept (`httpserver-g++13.2` stays as it is),
  /// anything else becomes `_`, and a leading `.` or `-` (a hidden file, an option) gets `_`
  /// before it.
  public static func fileSafe(_ name: String) -> String {
    var result = String(
      String.UnicodeScalarView(
        name.unicodeScalars.map { scalar in
          scalar.isASCII
            && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
              || "._+-".unicodeScalars.contains(scalar))
            ? scalar : "_"
        }))
    if result.hasPrefix(".") || result.hasPrefix("-") || result.isEmpty { result = "_" + result }
    return result
  }

  /// The unstripped twin, with symbols for crash reports and debuggers.
  public static func debugImage(project: String, target: Target) -> String {
    image(project: project, target: target) + ".dbg"
  }
}
