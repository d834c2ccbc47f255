/// The starter projects `kraft init` can write. Each is a valid Unikraft Kraftfile (spec
/// v0.6) plus the application's sources, and builds with no other files.
struct ProjectTemplate: Sendable {
  var name: String
  var summary: String
  /// File name (relative to the project folder) to content, given the project's name.
  var files: @Sendable (String) -> [(name: String, text: String)]

  static let all = [helloworld, nginx, redis, python]

  static func named(_ name: String) -> ProjectTemplate? {
    all.first { $0.name == name }
  }

  /// C, without a libc port: the kernel's minimal C runtime provides `printf`.
  static let helloworld = ProjectTemplate(
    name: "helloworld", summary: "a C program that prints a greeting and exits",
    files: { project in
      [
        (
          "Kraftfile",
          """
          # A Unikraft Kraftfile (spec v0.6); see docs/kraftfile.md for every key.
          spec: v0.6

          name: \(project)

          unikraft: stable

          targets:
            - qemu/x86_64
            - fc/x86_64

          """
        ),
        (
          "main.c",
          """
          #include <stdio.h>

          int main(void)
          {
          \tprintf("Hello from kraft!\\n");
          \treturn 0;
          }

          """
        ),
      ]
    })

  /// Python: the python3 port's interpreter is the program; the script is in the rootfs.
  static let python = ProjectTemplate(
    name: "python", summary: "a Python 3 script run by the python3 port's interpreter",
    files: { project in
      [
        (
          "Kraftfile",
          """
          # A Unikraft Kraftfile (spec v0.6); see docs/kraftfile.md and docs/python.md.
          # No C sources: the python3 port's interpreter is the program; it runs cmd's script
          # from the root file system (./rootfs, merged with Python's standard library).
          spec: v0.6

          name: \(project)

          unikraft: stable

          libraries:
            python3: 3.11.2
            musl: 1.2.3
            zlib: 1.2.13+dfsg

          rootfs: ./rootfs
          cmd: ["/app/main.py"]

          targets:
            - qemu/x86_64
            - qemu/arm64

          """
        ),
        (
          "rootfs/app/main.py",
          """
          import sys

          # sys has the version already: importing platform for it would cost this first line
          # fourteen modules read from the root file system (docs/python.md, "Boot time").
          version = ".".join(str(part) for part in sys.version_info[:3])
          print(f"Hello from Python {version} on {sys.platform}!")

          """
        ),
      ]
    })
}
