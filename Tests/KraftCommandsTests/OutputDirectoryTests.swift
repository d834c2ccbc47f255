import Foundation
import KraftBasics
import KraftBuild
import KraftModel
import Testing

@testable import KraftCommands

/// `outdir` is kraft's own or refused, and `kraft clean`/`properclean` delete only what kraft
/// wrote. Every hostile case is built in a temporary folder with sentinel files that must
/// survive; none of them names a real folder of the machine.
@Suite struct OutputDirectoryTests {
  /// `<base>/p` is the project (Kraftfile, `main.c`), `<base>/sibling` and `<base>/home` hold
  /// a sentinel file each.
  struct Scratch {
    let base: String
    var project: String { base + "/p" }
    var sibling: String { base + "/sibling" }
    var home: String { base + "/home" }

    init(outdir: String?) throws {
      base = NSTemporaryDirectory() + "kraft-outdir-" + UUID().uuidString
      for folder in [base + "/p", base + "/sibling", base + "/home"] {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try "keep me\n".write(toFile: folder + "/sentinel", atomically: true, encoding: .utf8)
      }
      let outdirLine = outdir.map { "outdir: \($0)\n" } ?? ""
      try "spec: v0.6\nname: app\ntargets:\n  - qemu/x86_64\n\(outdirLine)"
        .write(toFile: project + "/Kraftfile", atomically: true, encoding: .utf8)
    }

    func remove() { try? FileManager.default.removeItem(atPath: base) }

    func sentinelsSurvive() -> Bool {
      [project, sibling, home].allSatisfy {
        (try? String(contentsOfFile: $0 + "/sentinel", encoding: .utf8)) == "keep me\n"
      }
    }

    func load(environment: [String: String] = [:]) throws -> Void {
      _ = try ProjectOptions.parse([project]).load(environment: environment)
    }
  }

  /// The error a command throws for a refused `outdir`: positioned on the `outdir:` line.
  func expectRefused(_ body: () throws -> Void, mentioning text: String) {
    #expect {
      try body()
    } throws: { error in
      guard let diagnostics = error as? Diagnostics, let first = diagnostics.items.first else {
        return false
      }
      return first.message.contains(text) && first.location?.line == 5
        && ExitStatus.code(for: diagnostics.kind) == 65
    }
  }

  @Test(arguments: [
    ("/", "holds the project folder"),
    ("..", "holds the project folder"),
    ("../p", "is the project folder itself"),
    (".", "is the project folder itself"),
    ("./", "is the project folder itself"),
    ("../sibling", "outside the project and was not created by kraft"),
  ])
  func hostileOutdirsAreRefusedAndCleanDeletesNothing(outdir: String, reason: String) throws {
    let scratch = try Scratch(outdir: outdir)
    defer { scratch.remove() }
    expectRefused({ try scratch.load() }, mentioning: reason)
    // `/` and `..` reach beyond the scratch folder: never run clean on them, even to show
    // that it refuses. The others stay inside it.
    if outdir != "/" && outdir != ".." {
      expectRefused({ try CleanCommand.parse([scratch.project]).run() }, mentioning: reason)
      expectRefused({ try ProperCleanCommand.parse([scratch.project]).run() }, mentioning: reason)
    }
    #expect(scratch.sentinelsSurvive())
  }

  @Test func homeFromTheEnvironmentIsRefused() throws {
    let scratch = try Scratch(outdir: "${HOME}")
    defer { scratch.remove() }
    expectRefused(
      { try scratch.load(environment: ["HOME": scratch.home]) },
      mentioning: "outside the project and was not created by kraft")
    #expect(scratch.sentinelsSurvive())
  }

  @Test func aLinkInsideTheProjectToAForeignFolderIsRefused() throws {
    let scratch = try Scratch(outdir: "out")
    defer { scratch.remove() }
    try FileManager.default.createSymbolicLink(
      atPath: scratch.project + "/out", withDestinationPath: "../sibling")
    expectRefused(
      { try CleanCommand.parse([scratch.project]).run() },
      mentioning: "which resolves to '\(OutputDirectory.resolvingSymlinks(scratch.sibling))'")
    #expect(scratch.sentinelsSurvive())
  }

  @Test func cleanRemovesOnlyKraftsOutputsFromAnOutdirInsideTheProject() throws {
    let scratch = try Scratch(outdir: "src")
    defer { scratch.remove() }
    let outdir = scratch.project + "/src"
    try FileManager.default.createDirectory(
      atPath: outdir + "/qemu-x86_64/app", withIntermediateDirectories: true)
    for file in [
      "main.c", "app_qemu-x86_64", "app_qemu-x86_64.dbg", "app_qemu-x86_64.map", "build.ninja",
      "app.initrd", "qemu-x86_64/app/main.o",
    ] {
      try "x".write(toFile: outdir + "/" + file, atomically: true, encoding: .utf8)
    }
    try CleanCommand.parse([scratch.project]).run()
    #expect(try FileManager.default.contentsOfDirectory(atPath: outdir) == ["main.c"])
    #expect(scratch.sentinelsSurvive())
  }

  @Test func aNewOutdirOutsideTheProjectIsStampedAndCleanedAway() throws {
    let scratch = try Scratch(outdir: "../fresh")
    defer { scratch.remove() }
    let loaded = try ProjectOptions.parse([scratch.project]).load()
    let output = OutputDirectory(layout: ProjectLayout(kraftfile: loaded.kraftfile))
    try output.prepare()
    #expect(FileManager.default.fileExists(atPath: scratch.base + "/fresh/" + OutputDirectory.stampName))
    try "image".write(
      toFile: scratch.base + "/fresh/app_qemu-x86_64", atomically: true, encoding: .utf8)
    // Stamped, it is kraft's: loading passes and clean removes the outputs and the folder.
    try scratch.load()
    try CleanCommand.parse([scratch.project]).run()
    #expect(!FileManager.default.fileExists(atPath: scratch.base + "/fresh"))
    #expect(scratch.sentinelsSurvive())
  }

  @Test func aStampedFolderKeepsWhatAUserAddedToIt() throws {
    let scratch = try Scratch(outdir: "../fresh")
    defer { scratch.remove() }
    let loaded = try ProjectOptions.parse([scratch.project]).load()
    try OutputDirectory(layout: ProjectLayout(kraftfile: loaded.kraftfile)).prepare()
    try "mine".write(toFile: scratch.base + "/fresh/notes.txt", atomically: true, encoding: .utf8)
    try CleanCommand.parse([scratch.project]).run()
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: scratch.base + "/fresh").sorted()
        == [OutputDirectory.stampName, "notes.txt"])
  }

  @Test func aLinkedUnikraftFolderIsNotFollowedByClean() throws {
    let scratch = try Scratch(outdir: nil)
    defer { scratch.remove() }
    // `.unikraft` points at a foreign folder whose `build/` holds a user's file.
    try FileManager.default.createDirectory(
      atPath: scratch.sibling + "/build", withIntermediateDirectories: true)
    try "keep me\n".write(
      toFile: scratch.sibling + "/build/sentinel", atomically: true, encoding: .utf8)
    try FileManager.default.createSymbolicLink(
      atPath: scratch.project + "/.unikraft", withDestinationPath: scratch.sibling)
    try CleanCommand.parse([scratch.project]).run()
    try ProperCleanCommand.parse([scratch.project]).run()
    #expect(FileManager.default.fileExists(atPath: scratch.sibling + "/build/sentinel"))
    #expect(!FileManager.default.fileExists(atPath: scratch.project + "/.unikraft"))
    #expect(scratch.sentinelsSurvive())
  }

  @Test func theDefaultBuildFolderIsRemovedWhole() throws {
    let scratch = try Scratch(outdir: nil)
    defer { scratch.remove() }
    let build = scratch.project + "/.unikraft/build"
    try FileManager.default.createDirectory(
      atPath: build + "/old-target", withIntermediateDirectories: true)
    try CleanCommand.parse([scratch.project]).run()
    #expect(!FileManager.default.fileExists(atPath: build))
    #expect(FileManager.default.fileExists(atPath: scratch.project + "/.unikraft"))
  }

  /// A workspace as `kraft port edit` leaves it: `a.c` committed as the baseline.
  func makeWorkspace(_ workspace: String) throws {
    try FileManager.default.createDirectory(atPath: workspace, withIntermediateDirectories: true)
    try "int answer = 41;\n".write(toFile: workspace + "/a.c", atomically: true, encoding: .utf8)
    let identity = [
      "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
      "GIT_COMMITTER_EMAIL": "t@t",
    ]
    for arguments in [["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "baseline"]] {
      let result = try SystemProcessRunner().capture(
        ProcessCommand("git", arguments, workingDirectory: workspace, environment: identity))
      try #require(result.status == 0, "git \(arguments): \(result.stderr)")
    }
  }

  /// A `kraft port edit` workspace lives in `.unikraft/ports/NAME-src`: properclean keeps it,
  /// and everything else, while it has edits no patch holds, and removes it with `--force`.
  @Test func properCleanRefusesWhileAPortWorkspaceHasUnsavedEdits() throws {
    let scratch = try Scratch(outdir: nil)
    defer { scratch.remove() }
    let build = scratch.project + "/.unikraft/build"
    let workspace = PortWorkspace.defaultPath(name: "zlib", projectDirectory: scratch.project)
    try FileManager.default.createDirectory(atPath: build, withIntermediateDirectories: true)
    try makeWorkspace(workspace)
    // Committed and clean: nothing to lose, so no refusal is expected below without edits.
    #expect(
      try !PortWorkspace(runner: SystemProcessRunner(), fileSystem: LocalFileSystem())
        .hasUnsavedEdits(workspace: workspace))

    // A changed file and a new one (also what `port diff` would take).
    try "int answer = 42;\n".write(toFile: workspace + "/a.c", atomically: true, encoding: .utf8)
    try "new\n".write(toFile: workspace + "/b.c", atomically: true, encoding: .utf8)
    #expect {
      try ProperCleanCommand.parse([scratch.project]).run()
    } throws: { error in
      guard let error = error as? any KraftError else { return false }
      return ExitStatus.code(for: error.kind) == 64 && error.message.contains("'zlib' in '\(workspace)'")
        && error.message.contains("kraft port diff zlib") && error.message.contains("--force")
    }
    #expect(try String(contentsOfFile: workspace + "/a.c", encoding: .utf8) == "int answer = 42;\n")
    #expect(FileManager.default.fileExists(atPath: build))

    try ProperCleanCommand.parse([scratch.project, "--force"]).run()
    #expect(!FileManager.default.fileExists(atPath: scratch.project + "/.unikraft"))
    #expect(scratch.sentinelsSurvive())
  }

  /// A workspace whose edits cannot be checked (its repository is broken) is kept too.
  @Test func properCleanKeepsAWorkspaceItCannotCheck() throws {
    let scratch = try Scratch(outdir: nil)
    defer { scratch.remove() }
    let workspace = PortWorkspace.defaultPath(name: "zlib", projectDirectory: scratch.project)
    try FileManager.default.createDirectory(atPath: workspace + "/.git", withIntermediateDirectories: true)
    #expect {
      try ProperCleanCommand.parse([scratch.project]).run()
    } throws: { error in
      (error as? any KraftError)?.message.contains("cannot check") == true
        && (error as? any KraftError)?.message.contains("--force") == true
    }
    #expect(FileManager.default.fileExists(atPath: workspace))
    try ProperCleanCommand.parse([scratch.project, "--force"]).run()
    #expect(!FileManager.default.fileExists(atPath: scratch.project + "/.unikraft"))
  }

  /// With its edits saved (committed, as `port diff` leaves it), a workspace does not block.
  @Test func properCleanRemovesASavedPortWorkspace() throws {
    let scratch = try Scratch(outdir: nil)
    defer { scratch.remove() }
    let workspace = PortWorkspace.defaultPath(name: "zlib", projectDirectory: scratch.project)
    try makeWorkspace(workspace)
    try ProperCleanCommand.parse([scratch.project]).run()
    #expect(!FileManager.default.fileExists(atPath: scratch.project + "/.unikraft"))
  }
}

@Suite struct RootfsFlagTests {
  @Test func theOptInIsAFlagOfBuildAndOffByDefault() throws {
    #expect(try BuildCommand.parse([]).rootfsOutsideProject == false)
    #expect(try BuildCommand.parse(["--rootfs-outside-project"]).rootfsOutsideProject)
    #expect(BuildCommand.helpMessage().contains("--rootfs-outside-project"))
  }

  /// A release records the opt-in in its rebuild command, so that `kraft verify`, which runs
  /// `kraft build --release -K KRAFTFILE -t TARGET` followed by the recorded arguments, builds
  /// the same rootfs instead of refusing it; without the opt-in, nothing is recorded.
  @Test func aReleaseRecordsTheOptInAndItsRebuildReplaysIt() throws {
    let rebuild = ["--release", "-K", "Kraftfile", "-t", "qemu/x86_64"]
    for (given, recorded) in [(["--rootfs-outside-project"], true), ([], false)] {
      let request = try BuildCommand.parse(["--release", "--compiler", "gcc"] + given)
        .releaseRequest(kraftfilePath: "/p/Kraftfile")
      #expect(request.buildArguments.contains("--rootfs-outside-project") == recorded)
      let replayed = try BuildCommand.parse(rebuild + request.buildArguments)
      #expect(replayed.rootfsOutsideProject == recorded)
      #expect(replayed.compiler == "gcc")
    }
  }
}
