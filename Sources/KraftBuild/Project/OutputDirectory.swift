import Foundation
import KraftBasics
import KraftModel

#if canImport(Glibc)
  import Glibc
#endif

/// Keeps `outdir` kraft's own. kraft runs as root and `kraft clean` deletes, so the folder it
/// writes to and cleans must be one it can prove it owns: a folder inside the project (after
/// symbolic links and `..` are resolved), or one kraft created itself and marked with a stamp
/// file. The project folder, any folder holding it (`/`, `..`, `$HOME`) and foreign folders
/// elsewhere are refused. Cleaning removes only the outputs kraft writes, by name, so a file a
/// user put in `outdir` survives `kraft clean`.
public struct OutputDirectory: Sendable {
  /// Written by kraft into an `outdir` it creates; its presence is kraft's claim on a folder
  /// outside the project.
  public static let stampName = ".kraft-outdir"
  static let stampText =
    "created by kraft as a build output folder ('outdir'); 'kraft clean' removes only kraft's outputs here\n"

  public let layout: ProjectLayout
  public let fileSystem: any FileSystem

  public init(layout: ProjectLayout, fileSystem: any FileSystem = LocalFileSystem()) {
    self.layout = layout
    self.fileSystem = fileSystem
  }

  public var path: String { Kraftfile.normalise(layout.outputDirectory) }

  /// Why the Kraftfile's `outdir` is not kraft's to write to and clean, or nil when it is.
  /// The default (`.unikraft/build`) is always kraft's.
  public func problem() -> String? {
    guard let outdir = layout.kraftfile.outdir else { return nil }
    let project = Self.resolvingSymlinks(Kraftfile.normalise(layout.kraftfile.directory))
    let resolved = Self.resolvingSymlinks(path)
    let shown = resolved == path ? "" : " (which resolves to '\(resolved)')"
    if resolved == project {
      return "outdir '\(outdir)'\(shown) is the project folder itself; 'kraft clean' would delete "
        + "the project: name a folder inside it, e.g. 'outdir: build'"
    }
    if Self.isInside(project, resolved) {
      return "outdir '\(outdir)'\(shown) holds the project folder; 'kraft clean' would delete "
        + "the project: name a folder inside it, e.g. 'outdir: build'"
    }
    if Self.isInside(resolved, project) { return nil }
    if !Self.exists(resolved, fileSystem: fileSystem) || isStamped(resolved) { return nil }
    return "outdir '\(outdir)'\(shown) is outside the project and was not created by kraft; "
      + "kraft writes and cleans only folders it owns: name a folder inside the project "
      + "(e.g. 'outdir: build') or a folder that does not exist yet (kraft creates and marks it)"
  }

  /// Creates the folder when missing and marks it as kraft's (the stamp). Call before
  /// writing any output, after `problem()` returned nil.
  public func prepare() throws {
    guard !Self.exists(path, fileSystem: fileSystem) else { return }
    do {
      try fileSystem.createDirectory(path)
      try fileSystem.writeText(Self.stampText, to: path + "/" + Self.stampName)
    } catch {
      throw OutputError(
        message: "cannot create the output folder '\(path)': \(Self.reason(error)); "
          + "check the permissions and free space of its parent")
    }
  }

  /// The names (in `outdir`) of everything kraft writes there for the Kraftfile's targets:
  /// images and their companions, each target's build folder, the ninja files, the initrd,
  /// the build lock and the stamp.
  public var outputNames: [String] {
    var names = [
      "build.ninja", "shared.ninja", ".ninja_log", ".ninja_deps", ".kraft-build.lock", Self.stampName,
    ]
    let initrd = (layout.initrd as NSString).lastPathComponent
    names += [initrd, initrd + ".partial"]
    for target in layout.kraftfile.targets {
      let image = ImageName.image(project: layout.projectName, target: target)
      names += [
        image, ImageName.debugImage(project: layout.projectName, target: target), image + ".map",
        image + ".report", ReleaseManifest.fileName(image: image),
        ReleaseManifest.billOfMaterialsName(image: image), TargetBuildPlan.key(target),
      ]
    }
    return names + SharedObjects.folderNames(for: layout.kraftfile.targets)
  }

  /// `kraft clean`: removes kraft's outputs and returns what it removed. The default folder
  /// (`.unikraft/build`, a real folder inside the project) goes whole; any other `outdir`
  /// loses only `outputNames`, and the folder itself only when that leaves it empty and kraft
  /// created it. Refuses (without removing anything) an `outdir` that `problem()` refuses.
  @discardableResult
  public func clean() throws -> [String] {
    if let problem = problem() { throw OutputError(.invalidInput, message: problem) }
    guard Self.isRealFolder(path) else { return [] }
    if layout.kraftfile.outdir == nil, isOwnedWhole(path) {
      try Self.removeEntry(path)
      return [path]
    }
    var removed: [String] = []
    let stamped = isStamped(path)
    for name in outputNames where name != Self.stampName {
      let entry = path + "/" + name
      guard Self.lexists(entry, fileSystem: fileSystem) else { continue }
      try Self.removeEntry(entry, fileSystem: fileSystem)
      removed.append(entry)
    }
    let left = (try? fileSystem.list(path)) ?? [Self.stampName]
    if stamped, left.allSatisfy({ $0 == Self.stampName }) {
      try Self.removeEntry(path, fileSystem: fileSystem)
      removed.append(path)
    }
    return removed
  }

  /// The default folder is kraft's as a whole only when it is really `<project>/.unikraft/build`:
  /// a `.unikraft` or `build` that is a link elsewhere makes it somebody else's.
  private func isOwnedWhole(_ folder: String) -> Bool {
    let project = Self.resolvingSymlinks(Kraftfile.normalise(layout.kraftfile.directory))
    return Self.resolvingSymlinks(folder) == project + "/.unikraft/build"
  }

  private func isStamped(_ folder: String) -> Bool {
    let stamp = folder + "/" + Self.stampName
    guard fileSystem.status(stamp)?.kind == .file else { return false }
    return (try? fileSystem.readText(stamp)) == Self.stampText
  }

  // MARK: - Paths

  /// `path` with every symbolic link and `..` resolved, as far as it exists; the missing rest
  /// is appended as written (normalised).
  public static func resolvingSymlinks(_ path: String) -> String {
    var existing = Kraftfile.normalise(path)
    var rest: [String] = []
    while existing != "/" {
      if let real = realpath(existing, nil) {
        defer { free(real) }
        let base = String(cString: real)
        return Kraftfile.normalise(([base] + rest.reversed()).joined(separator: "/"))
      }
      rest.append((existing as NSString).lastPathComponent)
      existing = Kraftfile.parentDirectory(of: existing)
    }
    return Kraftfile.normalise("/" + rest.reversed().joined(separator: "/"))
  }

  /// True when `path` lies strictly inside `folder` (both normalised and absolute).
  static func isInside(_ path: String, _ folder: String) -> Bool {
    folder == "/" ? path != "/" : path.hasPrefix(folder + "/")
  }

  static func exists(_ path: String, fileSystem: any FileSystem = LocalFileSystem()) -> Bool {
    fileSystem.status(path, followingLinks: true) != nil
  }

  public static func lexists(_ path: String, fileSystem: any FileSystem = LocalFileSystem()) -> Bool {
    fileSystem.status(path) != nil
  }

  public static func isRealFolder(_ path: String, fileSystem: any FileSystem = LocalFileSystem()) -> Bool {
    fileSystem.status(path)?.kind == .directory
  }

  /// Removes a file or a link (never what it points to) or a folder with its contents.
  public static func removeEntry(_ path: String, fileSystem: any FileSystem = LocalFileSystem()) throws {
    do {
      try fileSystem.remove(path)
    } catch {
      throw OutputError(message: "cannot remove '\(path)': \(reason(error)); check its permissions")
    }
  }

  static func reason(_ error: any Error) -> String {
    let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
    if let code = underlying.map({ Int32($0.code) }), underlying?.domain == NSPOSIXErrorDomain {
      return String(cString: strerror(code))
    }
    return (error as NSError).localizedDescription
  }
}

/// Writing or removing a build output failed (a foreign `outdir`, a full disk, permissions).
public struct OutputError: KraftError {
  public var kind: ErrorKind
  public var message: String

  public init(_ kind: ErrorKind = .outputFailed, message: String) {
    self.kind = kind
    self.message = message
  }
}

/// A file kraft could not write (`LocalFileSystem`, `AtomicFile`) is reported with exit status
/// 73 and its own message, never as an internal error.
extension AtomicFile.Failure: KraftError {
  public var kind: ErrorKind { .outputFailed }
}
