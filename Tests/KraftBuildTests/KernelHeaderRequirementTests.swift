import Foundation
import KraftBasics
import KraftBuild
import KraftModel
import Testing

/// Every kernel library and port of this repository declares, in `requires:`, each library
/// whose `<kraft/...>` headers its own files include: the headers are a library's interface,
/// and the requirement is what puts that library (and its include folder) in the image.
@Suite struct KernelHeaderRequirementTests {
  static let repository = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

  @Test func librariesRequireTheLibrariesWhoseHeadersTheyInclude() throws {
    let fileSystem = LocalFileSystem()
    let tree = KernelTree(
      kernelDirectory: Self.repository + "/Kernel", portsDirectory: Self.repository + "/Ports")
    let libraries = try LibraryCatalog.load(kernel: tree, fileSystem: fileSystem).libraries
    var owners: [String: LibraryManifest] = [:]
    for library in libraries where library.kind != .port {
      for include in library.includes {
        let folder = library.directory + "/" + include.path + "/kraft"
        guard fileSystem.isDirectory(folder) else { continue }
        for header in try fileSystem.list(folder) where header.hasSuffix(".h") {
          owners["kraft/" + header] = library
        }
      }
    }
    #expect(owners["kraft/vfs.h"]?.name == "vfs")

    var problems: [String] = []
    for library in libraries {
      for file in try sourceFiles(in: library.directory, fileSystem: fileSystem) {
        for header in Self.kraftIncludes(in: try fileSystem.readText(file)) {
          guard let owner = owners[header], owner.name != library.name else { continue }
          let named = [owner.name] + owner.provides
          // A source compiled only when the owner is linked (`if: CONFIG_LIBKTEST`) needs no
          // requirement: that is how a library carries its in-kernel tests.
          let onlyWithOwner = library.sources.contains {
            library.sourceRoot + "/" + $0.path == file
              && $0.conditions == [OptionCondition(option: owner.enableOption)]
          }
          if !onlyWithOwner, !library.requires.contains(where: named.contains) {
            problems.append(
              "\(file) includes <\(header)> of library '\(owner.name)': add '\(owner.name)' to "
                + "'requires:' in \(library.directory)/\(library.kind == .port ? "port" : "library").yaml")
          }
        }
      }
    }
    #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
  }

  /// The C, assembly and header files under a library's folder (a port's: its glue only).
  private func sourceFiles(in folder: String, fileSystem: FileSystem) throws -> [String] {
    var files: [String] = []
    for name in try fileSystem.list(folder) {
      let path = folder + "/" + name
      if fileSystem.isDirectory(path) {
        files += try sourceFiles(in: path, fileSystem: fileSystem)
      } else if [".c", ".h", ".S"].contains(where: name.hasSuffix) {
        files.append(path)
      }
    }
    return files
  }

  /// `kraft/x.h` for each `#include <kraft/x.h>` line.
  static func kraftIncludes(in text: String) -> [String] {
    text.split(separator: "\n").compactMap { line in
      let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
      guard words.count >= 2, words[0] == "#include", words[1].hasPrefix("<kraft/"),
        words[1].hasSuffix(">")
      else { return nil }
      return String(words[1].dropFirst().dropLast())
    }
  }
}
