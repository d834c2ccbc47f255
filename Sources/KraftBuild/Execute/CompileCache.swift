import Foundation
import KraftBasics
import KraftModel

/// The object cache kraft drives: Debian's ccache (4.7) as the launcher of every compile step,
/// with a cache folder of kraft's own under kraft's cache (one per user, shared by every
/// project and target, bounded by ccache's LRU `max_size`), and optionally a team cache on a
/// Redis server through ccache's remote storage. Chosen by measurement (docs/building.md): its
/// keys are the compiler's identity, the full command and the preprocessed input, it verifies
/// entries on read and is safe under concurrent builds, so kraft need not reimplement any of it.
///
/// Everything is passed in ccache's environment variables, which win over any `ccache.conf`
/// of the user's, so a user's own ccache settings never change kraft's builds.
public struct CompileCache: Hashable, Sendable {
  /// The `ccache` executable.
  public var launcher: String
  /// ccache's folder (`CCACHE_DIR`).
  public var directory: String
  /// ccache's `max_size` (`5G`, `500M`).
  public var maxSize: String
  /// ccache's `remote_storage` (`redis://host:6379`), or nil.
  public var remoteStorage: String?
  /// Whole ports' objects (`PrebuiltLibraries`), bounded by the same size; nil when the size
  /// cannot be read as bytes.
  public var prebuiltStore: PrebuiltStore?

  public init(launcher: String, directory: String, maxSize: String, remoteStorage: String? = nil) {
    self.launcher = launcher
    self.directory = directory
    self.maxSize = maxSize
    self.remoteStorage = remoteStorage
  }

  /// ccache's settings for one build. `baseDirectory` is the project folder: ccache hashes
  /// paths inside it relative to the folder ninja runs in, so two checkouts of one project
  /// share entries; sources in kraft's source cache have one absolute path for every project.
  /// `statsLog` collects one record per compile of this build (the progress counts).
  public func environment(baseDirectory: String, statsLog: String) -> [String: String] {
    var environment = [
      "CCACHE_DIR": directory,
      "CCACHE_MAXSIZE": maxSize,
      "CCACHE_BASEDIR": baseDirectory,
      "CCACHE_STATSLOG": statsLog,
      // With -g ccache would hash the folder ninja runs in (the project), so no two projects
      // would ever share an entry (measured: 0 of 1,396 hits). Release builds fix the
      // compilation folder (-ffile-compilation-dir), so this changes nothing there; in other
      // builds a hit's debug info may name the folder that compiled it first.
      "CCACHE_NOHASHDIR": "1",
      // Entries are what kraft links into images: whatever umask kraft runs under (000 on
      // some CI machines), no other user may write one.
      "CCACHE_UMASK": "022",
      // Not the user's own config file: only what kraft sets here counts.
      "CCACHE_CONFIGPATH": directory + "/kraft-ccache.conf",
    ]
    if let remoteStorage { environment["CCACHE_REMOTE_STORAGE"] = remoteStorage }
    return environment
  }
}

/// Where the compile cache's settings come from: `kraft build --no-compile-cache`, then the
/// environment (`KRAFT_COMPILE_CACHE`, `KRAFT_COMPILE_CACHE_SIZE`, `KRAFT_COMPILE_CACHE_REMOTE`).
public struct CompileCacheSettings: Sendable {
  public static let defaultMaxSize = "5G"

  /// nil when the cache is off: turned off, or ccache is not installed and nobody asked for it.
  public static func resolve(
    disabled: Bool, environment: [String: String], cacheRoot: String,
    locator: ExecutableLocator = ExecutableLocator()
  ) throws -> CompileCache? {
    if disabled { return nil }
    let setting = environment["KRAFT_COMPILE_CACHE"].map { $0.lowercased() } ?? ""
    let required: Bool
    switch setting {
    case "", "auto": required = false
    case "on", "1", "yes", "true": required = true
    case "off", "0", "no", "false": return nil
    default:
      throw CompileCacheSettingError(
        "KRAFT_COMPILE_CACHE is '\(setting)'; use 'on' (needs ccache), 'off', or 'auto' (on when ccache is installed)"
      )
    }
    guard let ccache = locator.find("ccache") else {
      if required {
        throw MissingToolError(tool: "ccache", package: "ccache", purpose: "for KRAFT_COMPILE_CACHE=on")
      }
      return nil
    }
    let size = environment["KRAFT_COMPILE_CACHE_SIZE"].flatMap { $0.isEmpty ? nil : $0 } ?? defaultMaxSize
    guard size.range(of: #"^[0-9]+(\.[0-9]+)?[kKMGT]?i?$"#, options: .regularExpression) != nil else {
      throw CompileCacheSettingError(
        "KRAFT_COMPILE_CACHE_SIZE is '\(size)'; give a size such as 5G or 500M (ccache's max_size)")
    }
    let remote = environment["KRAFT_COMPILE_CACHE_REMOTE"].flatMap { $0.isEmpty ? nil : $0 }
    if let remote,
      !(remote.hasPrefix("redis://") || remote.hasPrefix("http://") || remote.hasPrefix("https://"))
    {
      throw CompileCacheSettingError(
        "KRAFT_COMPILE_CACHE_REMOTE is '\(remote)'; give ccache's remote storage URL, such as redis://HOST:6379"
      )
    }
    var cache = CompileCache(
      launcher: ccache, directory: cacheRoot + "/ccache", maxSize: size, remoteStorage: remote)
    cache.prebuiltStore = PrebuiltStore.bytes(size).map {
      PrebuiltStore(directory: cacheRoot + "/prebuilt", maxBytes: $0)
    }
    return cache
  }
}

/// A `KRAFT_COMPILE_CACHE*` variable holds something kraft cannot use.
public struct CompileCacheSettingError: KraftError, Equatable {
  public var kind: ErrorKind { .usage }
  public var message: String

  public init(_ message: String) { self.message = message }
}
