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
    isExecutable: @escaping @Sendable (String) -> Bool = { LocalFileSystem().isExecutable($0) }
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

  /// The real path of the running kraft binary: `/proc/self/exe` (symlinks resolved, so a
  /// `kraft` on `PATH` that links into an installation or a build folder is followed); where
  /// that does not exist, `argv[0]` looked up like a shell would (`PATH` for a bare name).
  /// Kraft finds its data (`Kernel/`, `Ports/`) relative to this, so it must not depend on
  /// how the user typed the command.
  public static var currentExecutable: String {
    if let real = try? LocalFileSystem().destinationOfSymbolicLink("/proc/self/exe") {
      return real
    }
    return resolve(argumentZero: CommandLine.arguments.first ?? "")
  }

  /// `argv[0]` as an absolute, symlink-free path: a bare name is searched on `PATH` (not in
  /// the current folder, which is where the user happens to be, not where kraft is).
  public static func resolve(
    argumentZero: String, locator: ExecutableLocator = ExecutableLocator(),
    currentDirectory: String = LocalFileSystem().currentDirectory
  ) -> String {
    var path = argumentZero
    if !path.contains("/"), let found = locator.find(path) { path = found }
    if !path.hasPrefix("/") { path = currentDirectory + "/" + path }
    return URL(fileURLWithPath: path).resolvingSymlinksInPath().path
  }
}
