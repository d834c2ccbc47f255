import Foundation
import KraftBasics
import KraftModel

/// Compile steps spread over other machines with Debian's distcc (3.4): the compile runs on a
/// helper (`distccd`) while preprocessing, linking and the cache stay on this machine. With
/// the compile cache on, ccache calls distcc for its misses only (`CCACHE_PREFIX`), so a hit
/// never leaves the machine; without it, distcc is the launcher itself.
///
/// The helpers must run the same compiler at the same path (distcc sends the command line as
/// it is), so their objects are the ones a local compile makes.
public struct DistributedCompiles: Hashable, Sendable {
  /// The `distcc` executable.
  public var launcher: String
  /// distcc's host list (`DISTCC_HOSTS`): `HOST[:PORT][/LIMIT]` separated by blanks.
  public var hosts: String
  /// distcc's state and lock folder (`DISTCC_DIR`), under kraft's cache.
  public var directory: String

  public init(launcher: String, hosts: String, directory: String) {
    self.launcher = launcher
    self.hosts = hosts
    self.directory = directory
  }

  /// How many compiles the helpers take at once: each host's `/LIMIT`, else distcc's own
  /// default (4 for a helper, 2 for `localhost`).
  public var slots: Int {
    hosts.split(whereSeparator: \.isWhitespace).reduce(0) { total, entry in
      guard !entry.hasPrefix("-"), !entry.hasPrefix("+") else { return total }
      let name = entry.split(separator: ",")[0]
      if let slash = name.lastIndex(of: "/"), let limit = Int(name[name.index(after: slash)...]) {
        return total + limit
      }
      return total + (name.hasPrefix("localhost") ? 2 : 4)
    }
  }

  /// The parallel jobs `kraft build` runs when `--jobs` is not given: the local default plus
  /// every helper slot.
  public func defaultJobs(localJobs: Int) -> Int { localJobs + slots }

  /// distcc's settings for one build; `log` collects one record per compile (the counts).
  /// `throughCompileCache`: ccache runs distcc for its misses.
  public func environment(log: String, throughCompileCache: Bool) -> [String: String] {
    var environment = ["DISTCC_HOSTS": hosts, "DISTCC_DIR": directory, "DISTCC_LOG": log]
    if throughCompileCache { environment["CCACHE_PREFIX"] = launcher }
    return environment
  }
}

/// Where distributed compiles' settings come from: `KRAFT_DISTCC_HOSTS` (distcc's host list);
/// unset or empty means every compile runs here.
public enum DistributedCompileSettings {
  public static func resolve(
    environment: [String: String], cacheRoot: String, locator: ExecutableLocator = ExecutableLocator()
  ) throws -> DistributedCompiles? {
    let hosts = (environment["KRAFT_DISTCC_HOSTS"] ?? "").trimmingCharacters(in: .whitespaces)
    if hosts.isEmpty { return nil }
    for entry in hosts.split(whereSeparator: \.isWhitespace) where !isValid(entry) {
      throw DistributedCompileSettingError(
        "KRAFT_DISTCC_HOSTS has '\(entry)'; give distcc hosts such as 'build1:3632/8 build2/4' "
          + "(HOST[:PORT][/LIMIT], blank-separated; docs/building.md)")
    }
    guard let distcc = locator.find("distcc") else {
      throw MissingToolError(tool: "distcc", package: "distcc", purpose: "for KRAFT_DISTCC_HOSTS")
    }
    return DistributedCompiles(launcher: distcc, hosts: hosts, directory: cacheRoot + "/distcc")
  }

  /// One entry of distcc's host list: `localhost[/N]`, `HOST[:PORT][/N][,OPTION...]`,
  /// `@HOST` (over ssh), `--randomize`, `--localslots=N`, `--localslots_cpp=N`.
  static func isValid(_ entry: Substring) -> Bool {
    if entry == "--randomize" { return true }
    if entry.range(of: #"^--localslots(_cpp)?=[0-9]+$"#, options: .regularExpression) != nil { return true }
    return entry.range(
      of: #"^(@|[A-Za-z0-9_.-]+@)?([A-Za-z0-9_.-]+|\[[0-9A-Fa-f:]+\])(:[0-9]{1,5})?(/[0-9]+)?(,[a-z_]+)*$"#,
      options: .regularExpression) != nil
  }
}

/// `KRAFT_DISTCC_HOSTS` holds something distcc cannot use.
public struct DistributedCompileSettingError: KraftError, Equatable {
  public var kind: ErrorKind { .usage }
  public var message: String

  public init(_ message: String) { self.message = message }
}
