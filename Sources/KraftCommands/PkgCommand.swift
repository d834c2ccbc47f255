import ArgumentParser

/// `kraft pkg`: OCI packages of built images (docs/packaging.md). Without a subcommand it
/// packs (`kraft pkg pack`), as kraftkit's `kraft pkg` does.
struct PkgCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "pkg",
    abstract: "Package built images as OCI images, and list or remove packages.",
    discussion: "See docs/packaging.md.",
    subcommands: [PkgPackCommand.self, PkgListCommand.self, PkgRemoveCommand.self],
    defaultSubcommand: PkgPackCommand.self)
}
