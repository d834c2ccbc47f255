import Foundation
import KraftBasics
import KraftModel

/// `Kraftfile.release.lock`, beside the Kraftfile: what a release build pins besides the
/// sources (which `Kraftfile.lock` pins): the toolchain it saw and the time stamped into every
/// output. Written by the first `kraft build --release`, committed with the project; a later
/// release build with another toolchain stops unless `--allow-toolchain-change` is given,
/// which records the new one.
public struct ReleaseLock: Hashable, Sendable, Codable {
  public static let fileName = "Kraftfile.release.lock"
  public static let currentFormat = 1

  public var formatVersion: Int
  public var sourceDateEpoch: Int
  /// By architecture (`x86_64`): GCC needs a different cross compiler for each.
  public var toolchains: [String: ReleaseToolchain]

  public init(sourceDateEpoch: Int, toolchains: [String: ReleaseToolchain]) {
    self.formatVersion = Self.currentFormat
    self.sourceDateEpoch = sourceDateEpoch
    self.toolchains = toolchains
  }

  public static func path(projectDirectory: String) -> String {
    projectDirectory + "/" + fileName
  }

  /// nil when the file does not exist.
  public static func read(from path: String, fileSystem: FileSystem) throws -> ReleaseLock? {
    guard fileSystem.exists(path) else { return nil }
    do {
      let lock = try JSONDecoder().decode(
        ReleaseLock.self, from: Data(try fileSystem.readText(path).utf8))
      guard lock.formatVersion == currentFormat else {
        throw ReleaseError(
          .invalidInput,
          "'\(path)' has format version \(lock.formatVersion); this kraft reads version \(currentFormat); remove the file to record a new one"
        )
      }
      return lock
    } catch let error as ReleaseError {
      throw error
    } catch {
      throw ReleaseError(
        .invalidInput,
        "'\(path)' is not a valid release lock (\(error)); remove it to record a new one")
    }
  }

  public func write(to path: String, fileSystem: FileSystem) throws {
    _ = try fileSystem.writeTextIfChanged(try ReleaseJSON.encode(self), to: path)
  }
}

/// The JSON form every release file uses: sorted keys, two-space indentation, no escaped
/// slashes, a final newline; so equal values always give equal bytes.
public enum ReleaseJSON {
  public static func encode<Value: Encodable>(_ value: Value) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
  }

  public static func decode<Value: Decodable>(_ type: Value.Type, from text: String) throws -> Value {
    try JSONDecoder().decode(type, from: Data(text.utf8))
  }
}
