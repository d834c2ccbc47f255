import Foundation
import KraftModel

/// Where a project's build outputs go and what its images are called; shared by `build`,
/// `run`, `clean` and `config` so they always agree.
public struct ProjectLayout: Hashable, Sendable {
  public var kraftfile: Kraftfile

  public init(kraftfile: Kraftfile) {
    self.kraftfile = kraftfile
  }

  /// The Kraftfile's `name`, or its folder's name.
  public var projectName: String {
    kraftfile.name ?? (kraftfile.directory as NSString).lastPathComponent
  }

  /// `.unikraft/` in the project: build outputs and this project's fetched sources.
  public var workDirectory: String { kraftfile.directory + "/.unikraft" }

  /// `outdir` (relative to the Kraftfile) or `.unikraft/build`.
  public var outputDirectory: String {
    guard let outdir = kraftfile.outdir else { return workDirectory + "/build" }
    return outdir.hasPrefix("/") ? outdir : kraftfile.directory + "/" + outdir
  }

  public func image(for target: Target) -> String {
    outputDirectory + "/" + ImageName.image(project: projectName, target: target)
  }

  /// The Kraftfile's `rootfs:` packed as a cpio initrd (one for every target).
  public var initrd: String { outputDirectory + "/" + ImageName.fileSafe(projectName) + ".initrd" }

  public func debugImage(for target: Target) -> String {
    outputDirectory + "/" + ImageName.debugImage(project: projectName, target: target)
  }

  /// The targets `-t` names (each a target's `name`, or `plat/arch` with aliases such as
  /// `firecracker/x86_64`), or every target when none is named.
  public func targets(named selectors: [String]) throws -> [Target] {
    guard !kraftfile.targets.isEmpty else {
      throw Diagnostics([
        Diagnostic(
          .error, "the Kraftfile has no 'targets:'; add one, e.g. 'targets: [qemu/x86_64]'")
      ])
    }
    // Images and build folders are named by platform and architecture, as Unikraft names
    // them, so two targets of one pair would overwrite each other's outputs.
    var seen: [String: Target] = [:]
    for target in kraftfile.targets {
      if let other = seen[target.shortForm] {
        throw Diagnostics([
          Diagnostic(
            .error,
            "targets '\(other.name ?? other.shortForm)' and '\(target.name ?? target.shortForm)' both build '\(target.shortForm)' images, which would overwrite each other; keep one, or put the other in its own Kraftfile",
            at: target.location)
        ])
      }
      seen[target.shortForm] = target
    }
    guard !selectors.isEmpty else { return kraftfile.targets }
    var chosen: [Target] = []
    for selector in selectors {
      let matches = kraftfile.targets.filter { Self.matches($0, selector) }
      guard !matches.isEmpty else {
        let known = kraftfile.targets.map { "'\($0.name ?? $0.shortForm)'" }.joined(separator: ", ")
        throw TargetNotFound(
          message: "no target '\(selector)' in the Kraftfile; its targets are \(known)")
      }
      for target in matches where !chosen.contains(target) { chosen.append(target) }
    }
    return chosen
  }

  static func matches(_ target: Target, _ selector: String) -> Bool {
    if target.name == selector || target.shortForm == selector { return true }
    let parts = selector.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2 else { return false }
    let platform = Platform(name: String(parts[0]))
    let architecture = Architecture(name: String(parts[1]))
    return platform == target.platform && architecture == target.architecture
  }
}

/// `-t` named no target of the Kraftfile.
public struct TargetNotFound: KraftError {
  public var kind: ErrorKind { .usage }
  public var message: String
}
