/// Splits a `cmd:` written as one string into arguments the way a POSIX shell would quote
/// them (no expansion): whitespace separates, `'...'` is literal, `"..."` allows `\"` and
/// `\\`, and a backslash outside quotes escapes the next character.
public enum ShellWords {
  public enum Problem: Error, Hashable, Sendable {
    case unterminatedQuote(Character)

    public var message: String {
      switch self {
      case .unterminatedQuote(let quote):
        return "the quote \(quote) is not closed; close it, or write 'cmd' as a list"
      }
    }
  }

  public static func split(_ text: String) throws -> [String] {
    var words: [String] = []
    var word = ""
    var inWord = false
    var iterator = text.makeIterator()
    while let char = iterator.next() {
      switch char {
      case " ", "\t", "\n":
        if inWord { words.append(word) }
        word = ""
        inWord = false
      case "'":
        inWord = true
        var closed = false
        while let next = iterator.next() {
          if next == "'" { closed = true; break }
          word.append(next)
        }
        if !closed { throw Problem.unterminatedQuote("'") }
      case "\"":
        inWord = true
        var closed = false
        while let next = iterator.next() {
          if next == "\"" { closed = true; break }
          if next == "\\", let escaped = iterator.next() {
            if escaped != "\"" && escaped != "\\" { word.append("\\") }
            word.append(escaped)
          } else {
            word.append(next)
          }
        }
        if !closed { throw Problem.unterminatedQuote("\"") }
      case "\\":
        inWord = true
        if let escaped = iterator.next() { word.append(escaped) }
      default:
        inWord = true
        word.append(char)
      }
    }
    if inWord { words.append(word) }
    return words
  }
}
