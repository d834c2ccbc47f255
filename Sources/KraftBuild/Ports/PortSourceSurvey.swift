import Foundation
import KraftBasics

/// What `kraft port new` reads from a freshly fetched upstream tree to write a recipe that
/// builds as it is: which C files make up the library (files defining `main` are programs,
/// not library code), where the public headers are, and whether the code needs a C library.
public struct PortSourceSurvey: Sendable, Equatable {
  /// Library sources, relative to the tree.
  public var sources: [String]
  /// Files left out because they define `main` (upstream's command-line programs).
  public var programs: [String]
  /// Folders (relative) holding the public headers, exported as `includes`.
  public var includes: [String]
  /// The C-library headers the code includes (`stdio.h`, ...): non-empty means `requires: [libc]`.
  public var libcHeaders: [String]

  /// Folders searched for sources and headers, in order: the top of the tree and `src/`.
  static let sourceFolders = ["", "src"]

  /// Headers a C library provides. The freestanding ones (`stddef.h`, `stdint.h`, `stdarg.h`,
  /// `limits.h`, `float.h`, `stdbool.h`, ...) come with the compiler and need no libc.
  static let libcHeaderNames: Set<String> = [
    "assert.h", "complex.h", "ctype.h", "errno.h", "fenv.h", "inttypes.h", "locale.h", "math.h",
    "setjmp.h", "signal.h", "stdio.h", "stdlib.h", "string.h", "tgmath.h", "threads.h", "time.h",
    "uchar.h", "wchar.h", "wctype.h", "strings.h", "unistd.h", "fcntl.h", "dirent.h",
    "pthread.h", "dlfcn.h", "poll.h", "sched.h", "semaphore.h", "termios.h", "syslog.h",
    "pwd.h", "grp.h", "netdb.h", "glob.h", "fnmatch.h", "regex.h", "langinfo.h", "iconv.h",
    "libgen.h", "search.h", "spawn.h", "utime.h", "memory.h", "malloc.h", "alloca.h",
  ]

  public static func survey(tree: String, fileSystem: any FileSystem) throws -> PortSourceSurvey {
    var sources: [String] = []
    var programs: [String] = []
    var headerFolders: [String] = []
    var texts: [String] = []
    for folder in sourceFolders {
      let path = folder.isEmpty ? tree : tree + "/" + folder
      guard fileSystem.isDirectory(path) else { continue }
      let files = try fileSystem.list(path).sorted()
      if files.contains(where: { $0.hasSuffix(".h") }) { headerFolders.append(folder.isEmpty ? "." : folder) }
      for file in files where file.hasSuffix(".c") || file.hasSuffix(".h") {
        let relative = folder.isEmpty ? file : folder + "/" + file
        let text = (try? fileSystem.readText(tree + "/" + relative)) ?? ""
        // A program left out is not compiled: what it includes does not count.
        if file.hasSuffix(".c") && definesMain(text) {
          programs.append(relative)
          continue
        }
        texts.append(text)
        if file.hasSuffix(".c") { sources.append(relative) }
      }
    }
    let includes =
      fileSystem.isDirectory(tree + "/include")
      ? ["include"] : (headerFolders.isEmpty ? ["."] : headerFolders)
    var libc = Set<String>()
    for text in texts { libc.formUnion(includedHeaders(text).filter(libcHeaderNames.contains)) }
    return PortSourceSurvey(
      sources: sources, programs: programs, includes: includes, libcHeaders: libc.sorted())
  }

  /// True when `text` defines a function `main`: a line starting (no indentation, as a
  /// definition does) with optional type words and `main(`, that is not a declaration ending
  /// in `;`. Both `int main(void) {` and K&R `int\nmain (argc, argv)` are recognised.
  static func definesMain(_ text: String) -> Bool {
    for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
      guard let first = line.first, first != " ", first != "\t", first != "#", first != "/" else {
        continue
      }
      let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "*" })
      guard let index = words.firstIndex(where: { $0 == "main" || $0.hasPrefix("main(") }) else {
        continue
      }
      let typeWords: Set<Substring> = [
        "int", "void", "static", "extern", "signed", "unsigned", "char", "long", "short", "__cdecl",
      ]
      guard words[..<index].allSatisfy(typeWords.contains) else { continue }
      let rest = words[index...].joined(separator: " ")
      let afterName = rest.dropFirst("main".count).drop(while: { $0 == " " })
      guard afterName.first == "(" else { continue }
      if line.trimmingCharacters(in: .whitespaces).hasSuffix(";") { continue }
      return true
    }
    return false
  }

  /// The `<...>` headers a C file includes.
  static func includedHeaders(_ text: String) -> [String] {
    var result: [String] = []
    for line in text.split(separator: "\n") {
      let trimmed = line.drop(while: { $0 == " " || $0 == "\t" })
      guard trimmed.hasPrefix("#") else { continue }
      let directive = trimmed.dropFirst().drop(while: { $0 == " " || $0 == "\t" })
      guard directive.hasPrefix("include") else { continue }
      let operand = directive.dropFirst("include".count).drop(while: { $0 == " " || $0 == "\t" })
      guard operand.first == "<", let close = operand.firstIndex(of: ">") else { continue }
      result.append(String(operand[operand.index(after: operand.startIndex)..<close]))
    }
    return result
  }
}
