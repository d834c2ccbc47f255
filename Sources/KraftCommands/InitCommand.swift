import ArgumentParser
import Foundation
import KraftBasics
import KraftManifest
import KraftModel

/// `kraft init [--template helloworld] [FOLDER]`: writes a starter project that `kraft
/// validate` and `kraft build` accept as is.
struct InitCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "init",
    abstract: "Create a new project: a Kraftfile and the application's sources.",
    discussion: "Templates: "
      + ProjectTemplate.all.map { "\($0.name) (\($0.summary))" }.joined(separator: ", ") + ".")

  @Option(help: "The starter project to write.")
  var template: String = "helloworld"

  @Option(help: "The project's name (default: the folder's name).")
  var name: String?

  @Argument(help: "The folder to create the project in (default: the current folder).")
  var folder: String = "."

  func validate() throws {
    guard ProjectTemplate.named(template) != nil else {
      let names = ProjectTemplate.all.map(\.name)
      throw ValidationError("unknown template '\(template)'" + Suggestion.hint(for: template, in: names))
    }
    if let name, !Kraftfile.isValidName(name) {
      throw ValidationError(
        "'\(name)' is not a valid project name; use letters, digits, '.', '_' and '-'")
    }
  }

  func run() throws {
    let fileSystem = LocalFileSystem()
    let written = try ProjectWriter(fileSystem: fileSystem)
      .write(
        template: ProjectTemplate.named(template)!, name: name, folder: folder,
        currentDirectory: fileSystem.currentDirectory)
    print("created \(written.joined(separator: ", ")) in '\(folder)'")
    print("next: kraft validate \(folder == "." ? "" : folder)".trimmingCharacters(in: .whitespaces))
  }
}

/// Writes a template's files, refusing to overwrite a project that is already there.
struct ProjectWriter {
  var fileSystem: any FileSystem

  /// Returns the names of the files written.
  func write(template: ProjectTemplate, name: String?, folder: String, currentDirectory: String)
    throws -> [String]
  {
    let directory = Kraftfile.normalise(folder.hasPrefix("/") ? folder : currentDirectory + "/" + folder)
    if let existing = KraftfileDiscovery.find(in: directory, fileExists: fileSystem.exists) {
      throw ProjectExists(message: "'\(existing)' already exists; kraft init never overwrites a project")
    }
    let projectName = name ?? Self.defaultName(for: directory)
    let files = template.files(projectName)
    for file in files where fileSystem.exists(directory + "/" + file.name) {
      throw ProjectExists(
        message: "'\(folder)/\(file.name)' already exists; kraft init never overwrites a file")
    }
    try fileSystem.createDirectory(directory)
    for file in files {
      if let slash = file.name.lastIndex(of: "/") {
        try fileSystem.createDirectory(directory + "/" + file.name[..<slash])
      }
      try fileSystem.writeText(file.text, to: directory + "/" + file.name)
    }
    return files.map(\.name)
  }

  /// The folder's name made into a valid project name (`My App` → `my-app`).
  static func defaultName(for directory: String) -> String {
    let base = directory.split(separator: "/").last.map(String.init) ?? "app"
    let cleaned = base.lowercased().map {
      $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) ? $0 : "-"
    }
    let name = String(cleaned).trimmingCharacters(in: CharacterSet(charactersIn: "-._"))
    return name.isEmpty ? "app" : name
  }
}

struct ProjectExists: KraftError {
  var message: String
  var kind: ErrorKind { .usage }
}
