import ArgumentParser
import Foundation
import KraftBasics
import KraftBuild
import KraftModel

/// `kraft run`: boot a built image under QEMU (or Firecracker) with the serial console on this
/// terminal, and exit with the application's exit status.
struct RunCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Boot an image and exit with the application's exit status.",
    discussion: """
      qemu/x86_64 boots on QEMU's pc machine; fc/x86_64 on Firecracker when it is installed, \
      otherwise on QEMU's microvm. Arguments after -- go to the application (default: the \
      Kraftfile's cmd). Exit status: the application's (0-124), 134 when it aborted, 139 when \
      the kernel crashed, 125 when the VM could not be booted or stopped without a status.
      """)

  @OptionGroup var project: ProjectOptions

  @Option(
    name: [.customShort("t"), .long],
    help: ArgumentHelp("The target to boot (name or plat/arch; default: the first).", valueName: "target"))
  var target: String?

  @Option(name: [.short, .long], help: "Guest memory, in MiB or with a unit (64M, 1G).")
  var memory: String = "64M"

  @Option(help: ArgumentHelp("Kernel arguments (before '--' on the kernel command line).", valueName: "args"))
  var kernelArgs: String?

  @Flag(help: "Use KVM (off by default: tests run under TCG).")
  var kvm = false

  @Option(help: "Stop the VM after this many seconds (exit 125).")
  var timeout: Int?

  @Argument(parsing: .postTerminator, help: "Arguments for the application.")
  var appArguments: [String] = []

  func run() throws {
    let loaded = try project.load()
    let layout = ProjectLayout(kraftfile: loaded.kraftfile)
    let chosen = try layout.targets(named: target.map { [$0] } ?? [])[0]
    let megabytes = try Self.megabytes(memory)
    let image = layout.image(for: chosen)
    guard FileManager.default.fileExists(atPath: image) else {
      throw ImageMissing(
        message: "no image for '\(chosen.shortForm)' at '\(image)'; run 'kraft build' first")
    }
    let request = RunRequest(
      target: chosen, image: image, memory: megabytes,
      // The Kraftfile's env: reaches the libc as kernel arguments env.KEY=VALUE (see
      // docs/libc.md); the user's --kernel-args follow.
      kernelArguments: loaded.kraftfile.env.map { "env.\($0.name)=\($0.value)" }
        + (kernelArgs.map { $0.split(separator: " ").map(String.init) } ?? []),
      appArguments: appArguments.isEmpty ? loaded.kraftfile.cmd : appArguments, kvm: kvm,
      initrd: loaded.kraftfile.rootfs != nil && FileManager.default.fileExists(atPath: layout.initrd)
        ? layout.initrd : nil)
    let debugImage = layout.debugImage(for: chosen)
    let runner = UnikernelRunner(runner: SystemProcessRunner(), fileSystem: LocalFileSystem())
    let decoded = try runner.run(
      request, debugImage: FileManager.default.fileExists(atPath: debugImage) ? debugImage : nil,
      timeout: timeout,
      scratchDirectory: layout.outputDirectory + "/" + TargetBuildPlan.key(chosen),
      output: StandardStream.out)
    if let explanation = decoded.explanation {
      StandardStream.error.write("kraft: \(explanation)\n")
    }
    throw ExitCode(decoded.status)
  }

  /// `64`, `64M`, `1G` → MiB.
  static func megabytes(_ text: String) throws -> Int {
    let upper = text.uppercased()
    let (digits, factor): (Substring, Int) =
      upper.hasSuffix("G")
      ? (upper.dropLast(), 1024)
      : upper.hasSuffix("M") ? (upper.dropLast(), 1) : (Substring(upper), 1)
    guard let value = Int(digits), value > 0 else {
      throw ValidationError("memory '\(text)' is not a size; use MiB like 64 or 64M, or 1G")
    }
    return value * factor
  }
}

/// `kraft run` before `kraft build`.
struct ImageMissing: KraftError {
  var kind: ErrorKind { .missingInput }
  var message: String
}
