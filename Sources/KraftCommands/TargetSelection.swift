import ArgumentParser
import KraftBuild
import KraftModel

/// kraftkit's `-p/--plat` and `-m/--arch` for build, clean and fetch: they narrow the targets
/// (all of them, or those `-t` names) to one platform and/or architecture. `kraft run` spells
/// them differently (`-p` is a port there, as in kraftkit), so it declares its own.
struct PlatformArchitectureOptions: ParsableArguments {
  @Option(
    name: [.customShort("p"), .customLong("plat")],
    help: ArgumentHelp("Only targets of this platform (qemu, fc/firecracker, xen).", valueName: "plat"))
  var platform: String?

  @Option(
    name: [.customShort("m"), .customLong("arch")],
    help: ArgumentHelp("Only targets of this architecture (x86_64, arm64).", valueName: "arch"))
  var architecture: String?

  func targets(_ layout: ProjectLayout, named names: [String]) throws -> [Target] {
    try TargetSelection(names: names, platform: platform, architecture: architecture).targets(layout)
  }
}

/// Which targets a command works on: `-t` names (or every target), narrowed by platform and
/// architecture when given.
struct TargetSelection: Hashable {
  var names: [String]
  var platform: String?
  var architecture: String?

  var isEmpty: Bool { names.isEmpty && platform == nil && architecture == nil }

  func targets(_ layout: ProjectLayout) throws -> [Target] {
    let candidates = try layout.targets(named: names)
    let wantedPlatform = try platform.map { name -> Platform in
      guard let platform = Platform(name: name) else {
        throw NoMatchingTarget(
          message: "unknown platform '\(name)' for '--plat'; use qemu, fc (firecracker) or xen")
      }
      return platform
    }
    let wantedArchitecture = try architecture.map { name -> Architecture in
      guard let architecture = Architecture(name: name) else {
        throw NoMatchingTarget(message: "unknown architecture '\(name)' for '--arch'; use x86_64 or arm64")
      }
      return architecture
    }
    let chosen = candidates.filter {
      (wantedPlatform == nil || $0.platform == wantedPlatform)
        && (wantedArchitecture == nil || $0.architecture == wantedArchitecture)
    }
    guard chosen.isEmpty else { return chosen }
    let asked = [
      names.isEmpty ? nil : names.map { "'-t \($0)'" }.joined(separator: ", "),
      platform.map { "'--plat \($0)'" }, architecture.map { "'--arch \($0)'" },
    ].compactMap { $0 }.joined(separator: " with ")
    let known = layout.kraftfile.targets.map { "'\($0.shortForm)'" }.joined(separator: ", ")
    throw NoMatchingTarget(message: "no target of the Kraftfile matches \(asked); its targets are \(known)")
  }
}

/// `--plat`/`--arch` named nothing the Kraftfile builds.
struct NoMatchingTarget: KraftError {
  var kind: ErrorKind { .usage }
  var message: String
}
