import Foundation

/// Finds programs the way a shell does (`PATH`), plus extra folders kraft knows about: the
/// Swift toolchain ships clang, ld.lld and the LLVM binary tools in `/opt/swift/usr/bin`,
/// which is often not on `PATH`.
public struct ExecutableLocator: Sendable {
  public static let toolchainFolders = ["/opt/swift/usr/bin", "/usr/local/bin", "/usr/bin"]

  public var searchPath: [String]
  public var isExecutable: @Sendable (String) -> Bool

  public init(
    searchPath: [String]? = nil,
    isExecutable: @escaping @Sendable (String) -> Bool = {
      FileManager.default.isExecutableFile(atPath: $0)
    }
  ) {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
    self.searchPath =
      searchPath
      ?? (path.split(separator: ":").map(String.init) + ExecutableLocator.toolchainFolders)
    self.isExecutable = isExecutable
  }

  /// The absolute path of `name`, or nil. A name containing `/` is taken as a path.
  public func find(_ name: String) -> String? {
    if name.contains("/") { return isExecutable(name) ? name : nil }
    for folder in searchPath where !folder.isEmpty {
      let candidate = folder.hasSuffix("/") ? folder + name : folder + "/" + name
      if isExecutable(candidate) { return candidate }
    }
    return nil
  }
}
