import Foundation
import KraftBasics

/// Which option names (`CONFIG_...`) a file mentions where the preprocessor can see them: an
/// option's `-D` flag can change a compile's object only if some file the compile reads names
/// the macro. Comments and string and character literals are left out (`/* argv[0] is
/// CONFIG_KCORE_APP_NAME */` in a kernel header must not tie every port that includes it to
/// the application's name); where the file is not C, reading too much only keeps a flag.
///
/// Always on the safe side: anything the scan cannot follow counts as code, so a name in it
/// counts as mentioned. A name built by token pasting onto `CONFIG_` (`CONFIG_ ## x`,
/// `CONFIG ## _LIB`) could be any option, so it counts as every option (`everyOption`).
public enum OptionMentions {
  /// Stands for every option name: the file pastes tokens into option names.
  public static let everyOption = "\u{0}every option"

  private static let marker = Data("CONFIG".utf8)

  /// The option names `data` mentions (with `everyOption` when it pastes one together).
  public static func names(in data: Data) -> Set<String> {
    // Most files never say CONFIG: Foundation's search (optimised even in a debug kraft)
    // settles them without the byte-by-byte scan below.
    guard data.range(of: marker) != nil else { return [] }
    return data.withUnsafeBytes { scan(Array($0.bindMemory(to: UInt8.self))) }
  }

  private static func scan(_ text: [UInt8]) -> Set<String> {
    var found: Set<String> = []
    var index = 0
    let count = text.count
    while index < count {
      let byte = text[index]
      switch byte {
      case ascii("/") where index + 1 < count && text[index + 1] == ascii("/"):
        // To the end of the line. A `\` before it would continue the comment in C; ending
        // early only reads more.
        while index < count && text[index] != ascii("\n") { index += 1 }
      case ascii("/") where index + 1 < count && text[index + 1] == ascii("*"):
        index += 2
        while index + 1 < count && !(text[index] == ascii("*") && text[index + 1] == ascii("/")) {
          index += 1
        }
        index += 2
      case ascii("\""):
        index = endOfLiteral(text, from: index + 1, quote: byte)
      case ascii("'"):
        // After a number (`1'000`, C23's digit separator) it opens no literal; after a
        // word (`L'x'`, `u8'x'`, `case'x'`) or anything else it does.
        var tokenStart = index
        while tokenStart > 0 && isIdentifierByte(text[tokenStart - 1]) { tokenStart -= 1 }
        if tokenStart < index && isDigit(text[tokenStart]) {
          index += 1
        } else {
          index = endOfLiteral(text, from: index + 1, quote: byte)
        }
      case _ where isIdentifierStart(byte):
        let start = index
        while index < count && isIdentifierByte(text[index]) { index += 1 }
        let word = text[start..<index]
        let isOption = word.starts(with: optionPrefix)
        guard isOption || word.elementsEqual(optionPrefix.dropLast()) else { continue }
        if pasted(text, before: start) || pasted(text, after: index) {
          found.insert(everyOption)
        } else if isOption {
          found.insert(String(decoding: word, as: UTF8.self))
        }
      default:
        index += 1
      }
    }
    return found
  }

  private static let optionPrefix = Array("CONFIG_".utf8)

  /// Just past the literal's closing quote, or at the end of its line when it has none (a
  /// lone apostrophe in text that is not C: the rest of the line is read again as code).
  private static func endOfLiteral(_ text: [UInt8], from start: Int, quote: UInt8) -> Int {
    var index = start
    while index < text.count {
      switch text[index] {
      case quote: return index + 1
      case ascii("\\"): index += 2
      case ascii("\n"): return start
      default: index += 1
      }
    }
    return start
  }

  /// `##` just before `position`, spaces between allowed.
  private static func pasted(_ text: [UInt8], before position: Int) -> Bool {
    var index = position - 1
    while index >= 0 && (text[index] == ascii(" ") || text[index] == ascii("\t")) { index -= 1 }
    return index >= 1 && text[index] == ascii("#") && text[index - 1] == ascii("#")
  }

  /// `##` from `position` on, spaces between allowed.
  private static func pasted(_ text: [UInt8], after position: Int) -> Bool {
    var index = position
    while index < text.count && (text[index] == ascii(" ") || text[index] == ascii("\t")) { index += 1 }
    return index + 1 < text.count && text[index] == ascii("#") && text[index + 1] == ascii("#")
  }

  private static func isIdentifierStart(_ byte: UInt8) -> Bool {
    (byte >= ascii("A") && byte <= ascii("Z")) || (byte >= ascii("a") && byte <= ascii("z"))
      || byte == ascii("_")
  }

  private static func isIdentifierByte(_ byte: UInt8) -> Bool { isIdentifierStart(byte) || isDigit(byte) }

  private static func isDigit(_ byte: UInt8) -> Bool { byte >= ascii("0") && byte <= ascii("9") }

  private static func ascii(_ character: Unicode.Scalar) -> UInt8 { UInt8(character.value) }

  /// `place` if a file, else every file below it, leaving out `outputDirectory` (its
  /// `config.h` names every option, and nothing in it is a compile's input) and `.git`; links
  /// to folders are not followed.
  static func files(below place: String, in fileSystem: FileSystem, skipping outputDirectory: String)
    throws -> [String]
  {
    guard fileSystem.isDirectory(place) else { return fileSystem.exists(place) ? [place] : [] }
    return try fileSystem.walkFiles(place) { $0 == outputDirectory || $0.hasSuffix("/.git") }
      .map { place + "/" + $0 }
  }
}
