import KraftModel

extension BuildPlanner {
  /// The link (objects and the linker script into the unstripped image and its map) and the
  /// strip (into the bootable image, raw binary where the platform's format rule says so).
  static func linkAndStrip(
    objects: [String], exports: LibraryExports, libraries: [LibraryManifest], target: Target,
    toolchain: Toolchain, image: String, projectName: String
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
      ] + order + exports.ldflags + objects + toolchain.runtimeLibraries,
      description: "LD \(ImageName.debugImage(project: projectName, target: target))")
    let format = ImageFormatRule.format(for: target, rules: libraries.flatMap(\.imageFormats))
    let strip = Step(
      inputs: [debugImage], outputs: [image],
      command: [toolchain.objcopy]
        + (format == .binary ? ["-O", "binary"] : ["--strip-all"]) + [debugImage, image],
      description: "STRIP \(ImageName.image(project: projectName, target: target))")
    return (link, strip)
  }
}
