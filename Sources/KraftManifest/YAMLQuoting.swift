import KraftModel

/// YAML scalars kraft writes by hand (Kraftfile edits, the mirrors file, port scaffolds):
/// single-quoted where needed, so text that YAML would read as a number, a boolean or
/// syntax stays the string it is. Double-quoted values (the lock) use `JSONString`, whose
/// output is also a valid YAML double-quoted scalar.
public enum YAMLQuoting {
  /// A single-quoted scalar: every character is literal there except `'`, written twice.
  public static func singleQuoted(_ text: String) -> String {
    "'" + text.replacingAll("'", with: "''") + "'"
  }

  /// Versions like `3.0.20` stay plain, but `1.10` or `2` would read as numbers (and lose a
  /// trailing zero), so anything that is not a plain, safe string is quoted.
  public static func quotedIfNeeded(_ value: String) -> String {
    let scalar = YAMLScalar(value)
    let plainSafe = value.allSatisfy { $0.isLetter || $0.isNumber || "._-+~".contains($0) }
    if scalar.kind == .string && plainSafe && !value.isEmpty { return value }
    return singleQuoted(value)
  }
}

extension String {
  fileprivate func replacingAll(_ target: Character, with replacement: String) -> String {
    var out = ""
    for character in self { out += character == target ? replacement : String(character) }
    return out
  }
}
