import KraftModel

extension BuildPlanner {
  /// The link (objects and the linker script into the unstripped image and its map) and the
  /// strip (into the bootable image, raw binary where the platform's format rule says so).
  /// `lazyObjects` are linked as a library would be: only those the image uses are kept.
  static func linkAndStrip(
    objects: [String], lazyObjects: Set<String>, exports: LibraryExports, libraries: [LibraryManifest],
    target: Target, toolchain: Toolchain, image: String, projectName: String
  ) -> (link: Step, strip: Step) {
    let map = image + ".map"
    let debugImage = image + ".dbg"
    // A symbol order may name functions an image lacks (a module left out, another
    // architecture's): not worth a warning each. GNU ld (gcc's usual linker) has no such option;
    // the order is only a layout, so those images go without it.
    let symbolOrder = toolchain.linkerFlavor == .lld ? exports.symbolOrder : nil
    let order = symbolOrder.map { ["--symbol-ordering-file=" + $0, "--no-warn-symbol-ordering"] } ?? []
    let link = Step(
      inputs: objects + [exports.linkerScript] + (symbolOrder.map { [$0] } ?? []),
      outputs: [debugImage, map],
      command: [toolchain.linker] + toolchain.linkerFlags(target.architecture) + [
        "-nostdlib", "-static", "--gc-sections", "--build-id=none", "-T", exports.linkerScript,
        "-Map=" + map, ExportCheck.linkerFlag, "-o", debugImage,
      ] + order + exports.ldflags
        + linkObjects(objects, lazy: lazyObjects, runtimeLibraries: toolchain.runtimeLibraries),
      description: "LD \(ImageName.debugImage(project: projectName, target: target))")
    let format = ImageFormatRule.format(for: target, rules: libraries.flatMap(\.imageFormats))
    let strip = Step(
      inputs: [debugImage], outputs: [image],
      command: [toolchain.objcopy]
        + (format == .binary ? ["-O", "binary"] : ["--strip-all"]) + [debugImage, image],
      description: "STRIP \(ImageName.image(project: projectName, target: target))")
    return (link, strip)
  }

  /// The end of every link command: the objects in order, each run of lazy ones between
  /// `--start-lib` and `--end-lib` (ld.lld's archive without an archive: a member is loaded
  /// only when it defines a symbol something loaded needs), then the toolchain's runtime
  /// archives (which must follow the objects for GNU ld).
  public static func linkObjects(_ objects: [String], lazy: Set<String>, runtimeLibraries: [String])
    -> [String]
  {
    var words: [String] = []
    var inRun = false
    for object in objects {
      let isLazy = lazy.contains(object)
      if isLazy != inRun {
        words.append(isLazy ? "--start-lib" : "--end-lib")
        inRun = isLazy
      }
      words.append(object)
    }
    if inRun { words.append("--end-lib") }
    return words + runtimeLibraries
  }

  /// The objects an image links as a library: the upstream sources of its ports (and the
  /// program a port brings), as a static link against their `.a` files would take them, so
  /// musl's `read` keeps its plain system call unless something links `pthread_cancel`, and
  /// code nothing calls stays out. Kernel libraries, ports' glue and the project's own
  /// sources stay whole: they register through linker sections, which nothing names. Only
  /// ld.lld has `--start-lib`; GNU ld (gcc's) links everything whole, as before.
  static func lazyObjects(
    _ compiles: [CompileStep], libraries: [LibraryManifest], toolchain: Toolchain
  ) -> Set<String> {
    guard toolchain.linkerFlavor == .lld else { return [] }
    let ports = Dictionary(
      libraries.filter { $0.kind == .port }.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    return Set(
      compiles.filter { step in
        guard let port = ports[step.library] else { return false }
        return !ObjectLayout.isGlue(source: step.source, recipe: port.directory, tree: port.sourceRoot)
      }.map(\.object))
  }
}
