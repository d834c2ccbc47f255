import ArgumentParser

/// `kraft pkg`: OCI packages of built images (docs/packaging.md). Without a subcommand it
/// packs (`kraft pkg pack`), as kraftkit's `kraft pkg` does.
struct PkgCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "pkg",
    abstract: "Package built images as OCI images; list, remove, push and pull packages.",
    discussion: "See docs/packaging.md and docs/registries.md.",
    subcommands: [
      PkgPackCommand.self, PkgListCommand.self, PkgRemoveCommand.self, PkgPushCommand.self,
      PkgPullCommand.self,
    ],
    defaultSubcommand: PkgPackCommand.self)
}
