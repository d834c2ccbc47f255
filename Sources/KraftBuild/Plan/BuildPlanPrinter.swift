import KraftBasics

/// `kraft build --dry-run`: the plan as text, one command per line, grouped by target.
public enum BuildPlanPrinter {
  public static func text(_ plan: BuildPlan, verbose: Bool) -> String {
    var lines: [String] = []
    for target in plan.targets {
      lines.append("target \(target.target.shortForm) -> \(target.image)")
      lines.append(
        "  libraries: " + target.resolution.libraries.map(\.name).joined(separator: ", "))
      lines.append("  toolchain: \(target.toolchain.family.rawValue) (\(target.toolchain.compiler))")
      for step in target.compiles {
        lines.append("  " + (verbose ? shell(step.command) : step.description))
      }
      for step in [target.link, target.strip] {
        lines.append("  " + (verbose ? shell(step.command) : step.description))
      }
    }
    lines.append("\(plan.compileCount) compilations, \(plan.targets.count) images")
    return lines.joined(separator: "\n") + "\n"
  }

  static func shell(_ command: [String]) -> String {
    command.map(ShellQuoting.quote).joined(separator: " ")
  }
}
