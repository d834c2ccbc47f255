/// JSON string literals for the few places that write JSON by hand to keep a fixed layout
/// (`config.json`, Firecracker's configuration, `kraft validate --output json` of YAML values).
/// The output is also a valid YAML double-quoted scalar (YAML needs DEL escaped too), which
/// is how `Kraftfile.lock` writes its values.
public enum JSONString {
  /// `text` as a JSON string literal, quotes included.
  public static func quoted(_ text: String) -> String {
    var out = "\""
    for unit in text.unicodeScalars {
      switch unit {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case _ where unit.value < 0x20 || unit.value == 0x7f:
        let hex = String(unit.value, radix: 16)
        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: out.unicodeScalars.append(unit)
      }
    }
    return out + "\""
  }
}
