/// The semantic checks that look across a whole decoded Kraftfile (the decoder already
/// checked each value on its own): things written twice that would silently shadow each
/// other. Returns every problem, so that one run of `kraft validate` shows them all: errors,
/// and warnings where Unikraft accepts the file (a `kconfig` option set twice).
public enum KraftfileValidator {
  public static func problems(in kraftfile: Kraftfile) -> [Diagnostic] {
    var problems: [Diagnostic] = []
    problems += duplicateTargets(kraftfile.targets)
    problems += duplicateAssignments(kraftfile.kconfig, in: "the top-level 'kconfig'")
    if let unikraft = kraftfile.unikraft {
      problems += duplicateAssignments(unikraft.kconfig, in: "'unikraft'")
    }
    for library in kraftfile.libraries {
      problems += duplicateAssignments(library.kconfig, in: "library '\(library.name)'")
    }
    for target in kraftfile.targets {
      problems += duplicateAssignments(target.kconfig, in: "target '\(target.name ?? target.shortForm)'")
    }
    var destinations: Set<String> = []
    for volume in kraftfile.volumes where !destinations.insert(volume.destination).inserted {
      problems.append(
        Diagnostic("two volumes are mounted at '\(volume.destination)'; give each its own folder"))
    }
    var names: Set<String> = []
    for variable in kraftfile.env where !names.insert(variable.name).inserted {
      problems.append(Diagnostic("environment variable '\(variable.name)' is set twice in 'env'"))
    }
    return problems
  }

  /// Two targets building the same image, or two with the same name: `--target` could not
  /// tell them apart.
  private static func duplicateTargets(_ targets: [Target]) -> [Diagnostic] {
    // First occurrence of each (platform, architecture, name) and of each name: a scan of the
    // earlier targets per target was quadratic in long lists.
    struct Identity: Hashable {
      var platform: Platform
      var architecture: Architecture
      var name: String?
    }
    var firstByIdentity: [Identity: Target] = [:]
    var firstByName: [String: Target] = [:]
    var problems: [Diagnostic] = []
    for target in targets {
      let identity = Identity(
        platform: target.platform, architecture: target.architecture, name: target.name)
      if let first = firstByIdentity[identity] {
        problems.append(
          Diagnostic(
            "target '\(target.shortForm)' is listed twice; remove one or give them different names",
            at: target.location, notes: notes(first.location, "first listed here")))
      } else if let name = target.name, let first = firstByName[name] {
        problems.append(
          Diagnostic(
            "two targets are named '\(name)'; target names must be unique", at: target.location,
            notes: notes(first.location, "first named here")))
      }
      if firstByIdentity[identity] == nil { firstByIdentity[identity] = target }
      if let name = target.name, firstByName[name] == nil { firstByName[name] = target }
    }
    return problems
  }

  /// One option set twice in one block (a map repeating a key, or a list): Unikraft takes
  /// the later value, so kraft does too, and warns with both positions.
  private static func duplicateAssignments(_ assignments: [KConfigAssignment], in block: String)
    -> [Diagnostic]
  {
    var seen: [String: KConfigAssignment] = [:]
    var problems: [Diagnostic] = []
    for assignment in assignments {
      if let earlier = seen[assignment.name] {
        problems.append(
          Diagnostic(
            .warning,
            "'\(assignment.name)' is set twice in \(block); the later value '\(assignment.value)' "
              + "wins, remove the other", at: assignment.location,
            notes: notes(earlier.location, "set to '\(earlier.value)' here first")))
      }
      seen[assignment.name] = assignment
    }
    return problems
  }

  /// The Kraftfile with only the last of each option's assignments in every `kconfig` block,
  /// where `duplicateAssignments` warned about the others.
  public static func keepingLastAssignments(_ kraftfile: Kraftfile) -> Kraftfile {
    func last(_ assignments: [KConfigAssignment]) -> [KConfigAssignment] {
      var lastIndex: [String: Int] = [:]
      for (index, assignment) in assignments.enumerated() { lastIndex[assignment.name] = index }
      return assignments.enumerated().filter { lastIndex[$0.element.name] == $0.offset }
        .map(\.element)
    }
    var result = kraftfile
    result.kconfig = last(result.kconfig)
    if let unikraft = result.unikraft { result.unikraft?.kconfig = last(unikraft.kconfig) }
    for index in result.libraries.indices {
      result.libraries[index].kconfig = last(result.libraries[index].kconfig)
    }
    for index in result.targets.indices {
      result.targets[index].kconfig = last(result.targets[index].kconfig)
    }
    return result
  }

  private static func notes(_ location: SourceLocation?, _ text: String) -> [Diagnostic] {
    location.map { [Diagnostic(.note, text, at: $0)] } ?? []
  }
}
