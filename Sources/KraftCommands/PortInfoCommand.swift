import ArgumentParser
import KraftBuild
import KraftModel

/// `kraft port info NAME`: upstream, pins, patches, options, what it provides and requires.
struct PortInfoCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "info", abstract: "Describe a port: upstream, pins, patches and options.")

  @Argument(help: "The port's name.")
  var name: String

  @OptionGroup var project: ProjectFolderOptions

  func run() throws {
    let entry = try PortContext(project, requireProject: false).catalog.port(named: name)
    print(Self.describe(entry), terminator: "")
  }

  static func describe(_ entry: PortCatalog.Entry) -> String {
    let port = entry.description
    let manifest = port.manifest
    var lines = ["\(port.name): \(manifest.description ?? "(no description)")"]
    lines.append("  folder:    \(port.directory) (\(entry.origin.rawValue))")
    if let license = port.license { lines.append("  license:   \(license)") }
    if let homepage = port.homepage { lines.append("  homepage:  \(homepage)") }
    lines.append("  versions:")
    for version in port.recipe.upstream.versions {
      let mark = version.version == port.recipe.upstream.defaultVersion ? " (default)" : ""
      lines.append("    \(version.version)\(mark)")
      if let archive = version.archive { lines.append("      archive: \(archive)") }
      if let git = version.git {
        lines.append("      git:     \(git.url)" + (git.ref.map { " \(describe($0))" } ?? ""))
      }
      if let sha = version.pin.archiveSHA256 { lines.append("      sha256:  \(sha)") }
      if let commit = version.pin.commit { lines.append("      commit:  \(commit)") }
      if let tree = version.pin.treeHash { lines.append("      tree:    \(tree)") }
      if let prepared = version.pin.preparedTree { lines.append("      prepared: \(prepared)") }
      if let debian = version.debian {
        lines.append("      debian:  \(debian.package) \(debian.version) (\(debian.orig))")
      }
    }
    lines.append(
      "  patches:   " + (port.patches.isEmpty ? "none" : port.patches.joined(separator: ", ")))
    if let step = port.recipe.prepare {
      lines.append(
        "  prepare:   " + (step.tools.isEmpty ? "(no tools)" : step.tools.joined(separator: ", "))
          + " -> " + step.outputs.joined(separator: ", "))
    }
    lines.append("  requires:  " + list(manifest.requires))
    lines.append("  provides:  " + list(manifest.provides))
    if let architectures = manifest.architectures {
      lines.append("  arches:    " + architectures.map(\.rawValue).joined(separator: ", "))
    }
    lines.append("  sources:   \(manifest.sources.count) entries")
    lines.append("  enable:    \(manifest.enableOption)=y, or list it under 'libraries:'")
    if !manifest.options.isEmpty {
      lines.append("  options:")
      for option in manifest.options {
        lines.append("    \(option.name) (\(describeType(option)))")
        if let help = option.help { lines.append("      \(help)") }
      }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  static func list(_ names: [String]) -> String {
    names.isEmpty ? "-" : names.joined(separator: ", ")
  }

  static func describe(_ ref: GitReference) -> String {
    switch ref {
    case .tag(let tag): return "tag \(tag)"
    case .branch(let branch): return "branch \(branch)"
    case .ref(let ref): return "ref \(ref)"
    }
  }

  static func describeType(_ option: LibraryOption) -> String {
    var text = option.kind.rawValue
    if let value = option.defaultValue { text += ", default \(value)" }
    return text
  }
}
