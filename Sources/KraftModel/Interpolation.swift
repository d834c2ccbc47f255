/// `${VAR}` interpolation in Kraftfile values, from the environment kraft runs in.
/// Supported: `${VAR}`, `${VAR:-default}` (default when unset or empty), `${VAR-default}`
/// (default when unset), and `$$` for a literal `$`. A lone `$` not followed by `{` or `$` is
/// kept as written, so shell snippets in `cmd:` survive. An unset variable without a default
/// is an error rather than an empty string: an empty image name or path fails much later and
/// far less clearly.
public enum Interpolation {
  public enum Problem: Error, Hashable, Sendable {
    case undefined(String)
    case unterminated
    case invalidName(String)

    public var message: String {
      switch self {
      case .undefined(let name):
        return "environment variable '\(name)' is not set; set it, or give a default with "
          + "'${\(name):-default}'"
      case .unterminated: return "'${' is not closed by '}'; write '$$' for a literal '$'"
      case .invalidName(let name):
        return "'\(name)' is not a variable name; names are letters, digits and '_'"
      }
    }
  }

  public static func expand(_ text: String, environment: [String: String]) throws -> String {
    guard text.contains("$") else { return text }
    var out = ""
    var rest = Substring(text)
    while let dollar = rest.firstIndex(of: "$") {
      out += rest[..<dollar]
      let after = rest.index(after: dollar)
      if after < rest.endIndex, rest[after] == "$" {
        out += "$"
        rest = rest[rest.index(after: after)...]
      } else if after < rest.endIndex, rest[after] == "{" {
        guard let close = rest[after...].firstIndex(of: "}") else { throw Problem.unterminated }
        out += try substitute(String(rest[rest.index(after: after)..<close]), environment)
        rest = rest[rest.index(after: close)...]
      } else {
        out += "$"
        rest = rest[after...]
      }
    }
    return out + rest
  }

  private static func substitute(_ body: String, _ environment: [String: String]) throws -> String {
    let name = String(body.prefix { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) })
    let rest = body.dropFirst(name.count)
    var fallback: String?
    var emptyUsesDefault = false
    if rest.hasPrefix(":-") {
      fallback = String(rest.dropFirst(2))
      emptyUsesDefault = true
    } else if rest.hasPrefix("-") {
      fallback = String(rest.dropFirst())
    } else if !rest.isEmpty {
      throw Problem.invalidName(body)
    }
    guard isName(name) else { throw Problem.invalidName(name) }
    if let value = environment[name], !(emptyUsesDefault && value.isEmpty) { return value }
    if let fallback { return fallback }
    throw Problem.undefined(name)
  }

  public static func isName(_ name: String) -> Bool {
    guard let first = name.first, first == "_" || (first.isASCII && first.isLetter) else {
      return false
    }
    return name.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
  }
}
