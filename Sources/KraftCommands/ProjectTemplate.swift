/// The starter projects `kraft init` can write. Each is a valid Unikraft Kraftfile (spec
/// v0.6) plus the application's sources, and builds with no other files.
struct ProjectTemplate: Sendable {
  var name: String
  var summary: String
  /// File name (relative to the project folder) to content, given the project's name.
  var files: @Sendable (String) -> [(name: String, text: String)]

  static let all = [helloworld, nginx, redis]

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
}
