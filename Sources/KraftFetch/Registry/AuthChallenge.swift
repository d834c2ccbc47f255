/// A `WWW-Authenticate` challenge from a registry's 401 answer (RFC 7235): a scheme and its
/// parameters, e.g. `Bearer realm="https://auth.example/token",service="reg",scope="..."`.
public struct AuthChallenge: Equatable, Sendable {
  /// Lower-cased: `basic` or `bearer`.
  public var scheme: String
  /// Parameter names lower-cased; values unquoted.
  public var parameters: [String: String]

  public init(scheme: String, parameters: [String: String] = [:]) {
    self.scheme = scheme
    self.parameters = parameters
  }

  /// Parses one header value; nil when it has no scheme. Quoted values may hold commas and
  /// backslash escapes.
  public init?(parsing header: String) {
    var characters = Substring(header).drop { $0 == " " }
    let schemeEnd = characters.firstIndex(of: " ") ?? characters.endIndex
    let scheme = characters[..<schemeEnd]
    guard !scheme.isEmpty else { return nil }
    self.scheme = scheme.lowercased()
    characters = characters[schemeEnd...]
    var parameters: [String: String] = [:]
    while true {
      characters = characters.drop { $0 == " " || $0 == "," }
      guard let equals = characters.firstIndex(of: "=") else { break }
      let name = characters[..<equals].trimmingSpaces().lowercased()
      characters = characters[characters.index(after: equals)...]
      var value = ""
      if characters.first == "\"" {
        characters = characters.dropFirst()
        var escaped = false
        while let character = characters.first {
          characters = characters.dropFirst()
          if escaped {
            value.append(character)
            escaped = false
          } else if character == "\\" {
            escaped = true
          } else if character == "\"" {
            break
          } else {
            value.append(character)
          }
        }
      } else {
        let end = characters.firstIndex(of: ",") ?? characters.endIndex
        value = String(characters[..<end]).trimmingSpaces()
        characters = characters[end...]
      }
      parameters[name] = value
    }
    self.parameters = parameters
  }
}

extension StringProtocol {
  fileprivate func trimmingSpaces() -> String {
    String(self.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
  }
}
