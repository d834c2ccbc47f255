import Foundation

/// A target's resolved options (`config.json`, see ConfigHeader) as a Unikraft `.config`:
/// what kraftkit keeps at `/unikraft/bin/config` in an image. One line per option in name
/// order: `CONFIG_X=y`, `# CONFIG_X is not set`, `CONFIG_X=42`, `CONFIG_X="text"`.
enum KConfigText {
  enum Value: Decodable {
    case bool(Bool), int(Int), string(String), undefined

    init(from decoder: any Decoder) throws {
      let container = try decoder.singleValueContainer()
      if container.decodeNil() {
        self = .undefined
      } else if let flag = try? container.decode(Bool.self) {
        self = .bool(flag)
      } else if let number = try? container.decode(Int.self) {
        self = .int(number)
      } else {
        self = .string(try container.decode(String.self))
      }
    }
  }

  static func render(configJSON: Data) throws -> String {
    let options: [String: Value]
    do {
      options = try JSONDecoder().decode([String: Value].self, from: configJSON)
    } catch {
      throw OutputError(
        .invalidInput,
        message: "a target's config.json is not kraft's option list (\(error)); build again")
    }
    var lines: [String] = []
    for name in options.keys.sorted() {
      switch options[name]! {
      case .bool(true): lines.append("\(name)=y")
      case .bool(false): lines.append("# \(name) is not set")
      case .int(let number): lines.append("\(name)=\(number)")
      case .string(let text): lines.append("\(name)=\"\(escape(text))\"")
      case .undefined: continue
      }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// The set options of a rendered `.config` (its lines but the `# ... is not set` ones),
  /// without the two that name the build host's paths rather than the image (as kraftkit
  /// leaves them out).
  static func features(_ text: String) -> [String] {
    text.split(separator: "\n").map(String.init).filter { line in
      !line.hasPrefix("#") && !line.hasPrefix("CONFIG_UK_APP=") && !line.hasPrefix("CONFIG_UK_BASE=")
    }
  }

  static func escape(_ text: String) -> String {
    text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
  }
}
