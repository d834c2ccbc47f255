import KraftBasics
import KraftManifest

/// What `kraft port add` does beyond `libraries:` for a port that is an interpreter (the
/// python3 port: its `program:` is the image's program and it runs a script from the root file
/// system), so that `kraft init` followed by `kraft port add python3`, `kraft build` and
/// `kraft run` runs a script:
///
/// - A Kraftfile with neither `rootfs:` nor `cmd:` gets the template's (`rootfs: ./rootfs`,
///   `cmd: ["/app/main.py"]`) and the template's starter script when that file is missing.
/// - The project's own sources decide the program (docs/library-manifest.md). When they are
///   exactly `kraft init`'s greeting, unchanged, they were never the user's work: `main.c` goes,
///   and the interpreter is the program. Any other sources stay the program (their `main()`
///   can embed the interpreter), and kraft says so.
struct ProgramPortStarter {
  var port: String
  /// The `kraft init` template this port's starter comes from.
  var template: ProjectTemplate
  var cmd: String
  var rootfs = "./rootfs"

  static let all = [
    ProgramPortStarter(port: "python3", template: .python, cmd: #"["/app/main.py"]"#)
  ]

  static func named(_ port: String) -> ProgramPortStarter? {
    all.first { $0.port == port }
  }

  /// The Kraftfile edit, made before the Kraftfile is written; returns what to report.
  func editKraftfile(_ editor: inout KraftfileEditor) throws -> [String] {
    let keys = try editor.topLevelKeys()
    guard !keys.contains("rootfs"), !keys.contains("cmd") else { return [] }
    try editor.addTopLevelKey("rootfs", value: rootfs)
    try editor.addTopLevelKey("cmd", value: cmd)
    return ["set 'rootfs: \(rootfs)' and 'cmd: \(cmd)' (the '\(template.name)' template's)"]
  }

  /// The project's files, changed once the Kraftfile is written; returns what to report.
  func updateProject(in directory: String, addedKeys: Bool, fileSystem: any FileSystem) throws
    -> [String]
  {
    var report: [String] = []
    if addedKeys {
      for file in template.files("") where file.name != "Kraftfile" {
        let path = directory + "/" + file.name
        guard !fileSystem.exists(path) else { continue }
        try fileSystem.writeText(file.text, to: path)
        report.append("wrote '\(file.name)', a starter script")
      }
    }
    let ownSources = try Self.ownSources(in: directory, fileSystem: fileSystem)
    guard !ownSources.isEmpty else { return report }
    let greeting = ProjectTemplate.helloworld.files("").first { $0.name == "main.c" }!
    if ownSources == ["main.c"],
      try fileSystem.readText(directory + "/main.c") == greeting.text
    {
      try fileSystem.remove(directory + "/main.c")
      report.append(
        "removed 'main.c' (kraft init's greeting, unchanged): '\(port)' is the program now")
    } else {
      report.append(
        "note: this project's own sources (\(ownSources.joined(separator: ", "))) stay the "
          + "image's program; '\(port)' is the program of a project without any")
    }
    return report
  }

  /// What `AppSources` would compile: a `Makefile.uk`, or C and assembly beside the Kraftfile.
  static func ownSources(in directory: String, fileSystem: any FileSystem) throws -> [String] {
    try fileSystem.list(directory)
      .filter { $0 == "Makefile.uk" || $0.hasSuffix(".c") || $0.hasSuffix(".S") }.sorted()
  }
}
