import KraftBasics
import KraftModel

/// Finds, reads and parses a project's Kraftfile: the one `-K/--kraftfile` names, or the first
/// of `KraftfileDiscovery.fileNames` in the project folder.
public struct KraftfileLoader: Sendable {
  public var fileSystem: any FileSystem
  public var environment: [String: String]
  /// The current directory, absolute: relative command-line paths resolve against it.
  public var currentDirectory: String

  public init(fileSystem: any FileSystem, environment: [String: String], currentDirectory: String) {
    self.fileSystem = fileSystem
    self.environment = environment
    self.currentDirectory = currentDirectory
  }

  /// `kraftfile` is `-K`'s value, `project` the project argument (a folder, or a Kraftfile
  /// itself); both as typed.
  public func locate(kraftfile: String?, project: String?) throws -> KraftfileLocation {
    if let kraftfile {
      let path = absolute(kraftfile)
      guard fileSystem.exists(path), !fileSystem.isDirectory(path) else {
        throw KraftfileNotFound(message: "Kraftfile '\(kraftfile)' does not exist; check the -K path")
      }
      return KraftfileLocation(displayPath: kraftfile, path: path)
    }
    let folder = project ?? "."
    let directory = absolute(folder)
    // `kraft validate Kraftfile`: a project may be named by its Kraftfile as well as its folder.
    if let project, fileSystem.exists(directory), !fileSystem.isDirectory(directory) {
      return KraftfileLocation(displayPath: project, path: directory)
    }
    guard fileSystem.isDirectory(directory) else {
      throw KraftfileNotFound(
        message: "project '\(folder)' does not exist; name a project folder or its Kraftfile")
    }
    guard let path = KraftfileDiscovery.find(in: directory, fileExists: fileSystem.exists) else {
      let names = KraftfileDiscovery.fileNames.map { "'\($0)'" }.joined(separator: ", ")
      throw KraftfileNotFound(
        message: "no Kraftfile in '\(folder)' (looked for \(names)); "
          + "run 'kraft init' to create one, or name it with -K PATH")
    }
    let name = String(path.split(separator: "/").last!)
    let display = project.map { ($0.hasSuffix("/") ? $0 : $0 + "/") + name } ?? name
    return KraftfileLocation(displayPath: display, path: path)
  }

  /// Locates, reads and parses; throws `KraftfileNotFound` or `Diagnostics`.
  public func load(kraftfile: String? = nil, project: String? = nil) throws -> LoadedKraftfile {
    let location = try locate(kraftfile: kraftfile, project: project)
    // Before reading: a 50 MB file would otherwise be read whole only to be refused.
    let limit = YAMLLimits.default.maxBytes
    if let size = fileSystem.fileSize(location.path), size > limit {
      throw KraftfileUnreadable(
        message: YAMLLimits.default.oversizeMessage(
          file: location.displayPath, bytes: size))
    }
    let text: String
    do {
      text = try fileSystem.readText(location.path)
    } catch {
      // Foundation's messages for unreadable or non-UTF-8 files are not kraft's to print raw.
      throw KraftfileUnreadable(
        message: "cannot read '\(location.displayPath)' as UTF-8 text; check its permissions "
          + "and encoding")
    }
    let parser = KraftfileParser(environment: environment)
    let (model, warnings) = try parser.parseWithWarnings(
      text, file: location.displayPath, directory: location.directory)
    return LoadedKraftfile(kraftfile: model, location: location, text: text, warnings: warnings)
  }

  private func absolute(_ path: String) -> String {
    Kraftfile.normalise(path.hasPrefix("/") ? path : currentDirectory + "/" + path)
  }
}

/// Where a Kraftfile is: as shown to the user, and absolute.
public struct KraftfileLocation: Hashable, Sendable {
  /// As the user would type it (relative to the current folder when it was given so);
  /// diagnostics name the file this way.
  public var displayPath: String
  public var path: String
  /// The folder holding it, which relative paths in it resolve against.
  public var directory: String { Kraftfile.parentDirectory(of: path) }
}

public struct LoadedKraftfile: Sendable {
  public var kraftfile: Kraftfile
  public var location: KraftfileLocation
  /// The text it was parsed from, for rendering later diagnostics against it.
  public var text: String
  /// What is accepted but should be fixed (a `kconfig` option set twice), in file order.
  public var warnings: [Diagnostic] = []
}

public struct KraftfileNotFound: KraftError, Hashable {
  public var message: String
  public init(message: String) { self.message = message }
  public var kind: ErrorKind { .missingInput }
}

public struct KraftfileUnreadable: KraftError, Hashable {
  public var message: String
  public init(message: String) { self.message = message }
  public var kind: ErrorKind { .invalidInput }
}
