import ArgumentParser
import Foundation
import KraftBasics
import KraftBuild
import KraftFetch
import KraftModel

/// `kraft pkg [--name REF] [-t T] [--output oci:DIR|tar:FILE]`: packs the built images of the
/// chosen targets into one OCI image (a manifest per target, one multi-platform index).
struct PkgPackCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "pack",
    abstract: "Pack the built images into one OCI image (the default of 'kraft pkg').",
    discussion: """
      Each target's image, the project's initrd and the target's options go into an OCI image \
      manifest laid out as kraftkit lays it out (/unikraft/bin/kernel, ...); all targets into \
      one multi-platform index. It is stored in kraft's package store ($KRAFT_CACHE_DIR/oci) \
      under --name, or written to --output. A release build packs to the same digest every \
      time, and carries its release manifest and SPDX bill of materials as OCI referrers. \
      Build first ('kraft build' or 'kraft build --release').
      """)

  @OptionGroup var project: ProjectOptions

  @Option(
    name: [.customShort("n"), .long],
    help: ArgumentHelp(
      "The package name, name[:tag] (default: the project's name, tag 'latest').",
      valueName: "ref"))
  var name: String?

  @Option(
    name: [.customShort("t"), .long],
    help: ArgumentHelp("Pack only this target (its name or plat/arch); repeatable.", valueName: "target"))
  var target: [String] = []

  @OptionGroup var targetFilter: PlatformArchitectureOptions

  @Option(
    name: [.customShort("a"), .long],
    help: ArgumentHelp(
      "The kernel's arguments in the image (repeatable; default: the Kraftfile's 'cmd:').",
      valueName: "arg"))
  var args: [String] = []

  @Flag(help: "Pack the unstripped image (.dbg) instead of the stripped one.")
  var dbg = false

  @Flag(name: .customLong("no-kconfig"), help: "Leave out the target's options (/unikraft/bin/config).")
  var noKConfig = false

  @Option(
    name: [.customShort("o"), .long],
    help: ArgumentHelp(
      "Write to an OCI image layout folder (oci:DIR, tagged with the tag only) or a tar of one "
        + "(tar:FILE) instead of the package store.",
      valueName: "oci:DIR|tar:FILE"))
  var output: String?

  func run() throws {
    let environment = ProcessInfo.processInfo.environment
    let fileSystem = LocalFileSystem()
    let loaded = try project.load()
    let layout = ProjectLayout(kraftfile: loaded.kraftfile)
    guard let reference = try name.map(Self.reference) ?? OCIPackageReference(projectName: layout.projectName)
    else {
      throw PkgError(
        .usage, "the project name '\(layout.projectName)' is no package name; give one with '--name'")
    }
    let inputs = try targetFilter.targets(layout, named: target).map {
      var input = try OCIPackageInput.built($0, layout: layout, debug: dbg, fileSystem: fileSystem)
      if noKConfig { input.configJSON = nil }
      return input
    }
    let created = try OCIPackageInput.creationTime(inputs, environment: environment, fileSystem: fileSystem)
    let destination = try output.map { try PkgOutput(parsing: $0, fileSystem: fileSystem) }
    let store = OCILayout(root: OCILayout.defaultRoot(environment: environment))
    let written = destination?.layout(fileSystem: fileSystem) ?? store
    if destination == nil {
      // The store is part of the cache: refuse one another user could tamper with.
      try SourceCache(root: SourceCache.defaultRoot(environment: environment)).checkSafety()
    }
    let packager = OCIPackager(
      layout: written, created: created, command: args.isEmpty ? loaded.kraftfile.cmd : args)
    let result: OCIPackager.Result
    if let destination {
      result = try destination.write(modificationTime: created) {
        try packager.pack(inputs, name: destination.referenceName(reference), targetTags: true)
      }
    } else {
      result = try packager.pack(inputs, name: reference.description)
    }

    print("\(destination?.description ?? reference.description): \(result.index.digest)")
    if let destination {
      print(
        "  tagged '\(destination.referenceName(reference))' (all targets) and "
          + result.manifests.map {
            "'\(OCIPackager.targetTag(destination.referenceName(reference), $0.target))'"
          }
          .joined(separator: ", "))
    }
    for (packed, manifest) in result.manifests {
      print("  \(packed.shortForm): \(manifest.digest)")
    }
    for referrer in result.referrers {
      print("  referrer \(referrer.artifactType ?? referrer.mediaType): \(referrer.digest)")
    }
  }

  static func reference(_ text: String) throws -> OCIPackageReference {
    guard let reference = OCIPackageReference(text) else {
      throw PkgError(
        .usage,
        "'\(text)' is not a package name; use name[:tag] with lower-case letters, digits and "
          + "'-._', e.g. 'helloworld:1.0' or 'team/helloworld:1.0'")
    }
    return reference
  }
}

/// `--output`: an image layout folder or a tar of one.
enum PkgOutput: CustomStringConvertible {
  case folder(String)
  case tar(String)

  init(parsing text: String, fileSystem: any FileSystem) throws {
    if text.hasPrefix("oci:"), text.count > 4 {
      self = .folder(fileSystem.absolutePath(String(text.dropFirst(4))))
    } else if text.hasPrefix("tar:"), text.count > 4 {
      self = .tar(fileSystem.absolutePath(String(text.dropFirst(4))))
    } else {
      throw PkgError(.usage, "'--output \(text)' names no output; use 'oci:DIR' or 'tar:FILE'")
    }
  }

  var description: String {
    switch self {
    case .folder(let path): "oci:" + path
    case .tar(let path): "tar:" + path
    }
  }

  /// Where the packager writes: the folder itself, or a scratch layout beside the tar.
  func layout(fileSystem: any FileSystem) -> OCILayout {
    switch self {
    case .folder(let path): OCILayout(root: path, fileSystem: fileSystem)
    case .tar(let path): OCILayout(root: path + ".kraft-partial", fileSystem: fileSystem)
    }
  }

  /// The name in the written layout: the tag only, as `skopeo ... oci:DIR:TAG` looks it up.
  func referenceName(_ reference: OCIPackageReference) -> String { reference.tag }

  /// Runs `pack`; for a tar, then writes the tar (atomically) and removes the scratch layout
  /// whatever happened.
  func write(
    modificationTime: Int, _ pack: () throws -> OCIPackager.Result
  ) throws -> OCIPackager.Result {
    guard case .tar(let path) = self else { return try pack() }
    let scratch = layout(fileSystem: LocalFileSystem())
    try? LocalFileSystem().remove(scratch.root)
    defer { try? LocalFileSystem().remove(scratch.root) }
    let result = try pack()
    try OCILayoutArchive.write(scratch, to: path, modificationTime: modificationTime)
    return result
  }
}

struct PkgError: KraftError {
  var kind: ErrorKind
  var message: String
  init(_ kind: ErrorKind, _ message: String) {
    self.kind = kind
    self.message = message
  }
}
