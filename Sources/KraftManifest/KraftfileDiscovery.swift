import Foundation

/// Finds a project's Kraftfile the way Unikraft's kraftkit does: the first of these names in
/// the folder, unless `-K/--kraftfile` names one.
public enum KraftfileDiscovery {
  /// In kraftkit's order of preference.
  public static let fileNames = [
    "kraft.yaml", "kraft.yml", "Kraftfile.yml", "Kraftfile.yaml", "Kraftfile",
  ]

  /// The Kraftfile in `directory`, or nil when there is none.
  public static func find(in directory: String, fileExists: (String) -> Bool) -> String? {
    let base = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
    return fileNames.lazy.map { "\(base)/\($0)" }.first(where: fileExists)
  }
}
