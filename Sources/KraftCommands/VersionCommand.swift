import ArgumentParser
import KraftBasics

struct VersionCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "version", abstract: "Print kraft's version.")

  func run() throws {
    print("kraft \(KraftVersion.current)")
  }
}
