import ArgumentParser
import KraftBuild
import KraftModel

/// `kraft config`: the resolved options of a target, and where each value came from.
struct ConfigCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "config",
    abstract: "Show resolved options and explain where a value came from.",
    subcommands: [ConfigShowCommand.self, ConfigExplainCommand.self],
    defaultSubcommand: ConfigShowCommand.self)
}

struct ConfigTargetOptions: ParsableArguments {
  @Option(
    name: [.customShort("t"), .long],
    help: ArgumentHelp("The target (name or plat/arch; default: the first).", valueName: "target"))
  var target: String?
}

/// `kraft config show`: every option of the image, `NAME=value  (origin)`.
struct ConfigShowCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "show", abstract: "Print every resolved option of a target.")

  @OptionGroup var project: ProjectOptions
  @OptionGroup var targetOptions: ConfigTargetOptions

  func run() throws {
    let build = ProjectBuild(kraftfile: try project.load().kraftfile)
    let target = try build.layout.targets(named: targetOptions.target.map { [$0] } ?? [])[0]
    let resolution = try build.resolve(target: target)
    print("# \(target.shortForm): " + resolution.libraries.map(\.name).joined(separator: ", "))
    for resolved in resolution.options {
      print("\(resolved.option.name)=\(resolved.value?.description ?? "")  # \(resolved.origin)")
    }
  }
}

/// `kraft config explain CONFIG_X`.
struct ConfigExplainCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "explain", abstract: "Say which step set an option's value, and what it overrode.")

  @Argument(help: "The option, e.g. CONFIG_KCORE_LOG_LEVEL.")
  var option: String

  @OptionGroup var targetOptions: ConfigTargetOptions
  @OptionGroup var project: ProjectOptions

  func run() throws {
    let build = ProjectBuild(kraftfile: try project.load().kraftfile)
    let target = try build.layout.targets(named: targetOptions.target.map { [$0] } ?? [])[0]
    let resolution = try build.resolve(target: target)
    guard let explanation = resolution.explain(option) else {
      let names = resolution.options.map(\.option.name)
      throw Diagnostics([
        Diagnostic(
          .error,
          "'\(option)' is not an option of the '\(target.shortForm)' image"
            + Suggestion.hint(for: option, in: names, listUpTo: 0))
      ])
    }
    print(explanation)
  }
}
