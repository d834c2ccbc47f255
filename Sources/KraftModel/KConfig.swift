/// One `CONFIG_X=value` setting written in a Kraftfile (top level, `unikraft`, a library or a
/// target). Values stay as written (`y`, `n`, `42`, `"text"`); the build layer types them
/// against the options that libraries declare.
public struct KConfigAssignment: Hashable, Sendable, Codable {
  public var name: String
  public var value: String
  /// Where it was written, so a bad value can be reported at its line.
  public var location: SourceLocation?

  public init(name: String, value: String, location: SourceLocation? = nil) {
    self.name = name
    self.value = value
    self.location = location
  }
}

extension KConfigAssignment {
  /// `CONFIG_` followed by upper-case letters, digits and `_`, as Unikraft's options are named.
  public static func isValidName(_ name: String) -> Bool {
    guard name.hasPrefix("CONFIG_"), name.utf8.count > "CONFIG_".utf8.count else { return false }
    // By bytes: Character properties cost more than parsing the whole rest of a long file.
    return name.utf8.allSatisfy { byte in
      byte == UInt8(ascii: "_") || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
        || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }
  }

  /// The name a user probably meant: upper-cased, `-` as `_`, `CONFIG_` added when missing.
  public static func suggestedName(for name: String) -> String {
    let upper = name.uppercased().map { $0 == "-" || $0 == "." ? "_" : $0 }
    let text = String(upper)
    return text.hasPrefix("CONFIG_") ? text : "CONFIG_" + text
  }

  /// Splits the list form `CONFIG_X=value` into name and value; nil when there is no `=`.
  public static func split(_ line: String) -> (name: String, value: String)? {
    guard let equals = line.firstIndex(of: "=") else { return nil }
    return (String(line[..<equals]), String(line[line.index(after: equals)...]))
  }
}
