import Foundation
import Testing

/// `kraft mirror add`, `kraft mirror sync` and `kraft port new --file --url` through the
/// command line, with a project port whose upstream URL cannot be reached: every fetch has to
/// come from the mirror, and pins are checked on the way in.
@Suite struct MirrorCommandTests {
  static let url = "https://zz.example.invalid/releases/zz-1.0.tar.gz"

  @Test func localCopiesAndDebianHintsOfProjectPortsAreMirrored() throws {
    let base = FileManager.default.temporaryDirectory.appendingPathComponent(
      "kraft-mirror-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: base) }
    let upstream = base.appendingPathComponent("upstream/zz-1.0")
    try FileManager.default.createDirectory(at: upstream, withIntermediateDirectories: true)
    try "int zz(void) { return 7; }\n".write(
      to: upstream.appendingPathComponent("zz.c"), atomically: true, encoding: .utf8)
    try "int zz(void);\n".write(
      to: upstream.appendingPathComponent("zz.h"), atomically: true, encoding: .utf8)
    let archive = base.appendingPathComponent("zz-1.0.tar.gz").path
    #expect(
      try HostTool.status(["tar", "-czf", archive, "-C", upstream.deletingLastPathComponent().path, "zz-1.0"])
        == 0)
    try "int main(void) { return 0; }\n".write(
      to: base.appendingPathComponent("main.c"), atomically: true, encoding: .utf8)
    try "not the archive".write(toFile: base.path + "/wrong.tar.gz", atomically: true, encoding: .utf8)

    let project = base.appendingPathComponent("app")
    try FileManager.default.createDirectory(at: project, withIntermediateDirectories: true)
    try FileManager.default.moveItem(
      at: base.appendingPathComponent("main.c"), to: project.appendingPathComponent("main.c"))
    try "spec: v0.6\nname: app\nunikraft: stable\nlibraries:\n  zz: '1.0'\ntargets:\n  - qemu/x86_64\n"
      .write(to: project.appendingPathComponent("Kraftfile"), atomically: true, encoding: .utf8)
    let mirror = base.path + "/mirror"
    let environment = [
      "XDG_CONFIG_HOME": base.path + "/config", "KRAFT_MIRROR_DIR": mirror,
      "KRAFT_CACHE_DIR": base.path + "/cache", "KRAFT_MIRRORS": "",
    ]
    let mirrored = mirror + "/zz.example.invalid/releases/zz-1.0.tar.gz"

    // A local copy becomes a port pinned under its upstream URL, fetched through the mirror.
    let new = try KraftProcess.run(
      ["port", "new", "zz", "--file", archive, "--url", Self.url], in: project, environment: environment)
    #expect(new.status == 0, "kraft port new:\n\(new.output)")
    let recipePath = project.path + "/Ports/zz/port.yaml"
    let recipe = try String(contentsOfFile: recipePath, encoding: .utf8)
    #expect(recipe.contains("archive: \(Self.url)"))
    #expect(recipe.contains("homepage: https://zz.example.invalid/"))
    #expect(FileManager.default.contentsEqual(atPath: mirrored, andPath: archive))
    let rules = try String(contentsOfFile: base.path + "/config/kraft/mirrors.yaml", encoding: .utf8)
    #expect(rules.contains("prefix: '\(Self.url)'"))

    // A second `port new` of that name fails before mirroring or fetching anything.
    let again = try KraftProcess.run(
      ["port", "new", "zz", "--file", archive, "--url", "https://other.example.invalid/zz-1.0.tar.gz"],
      in: project, environment: environment)
    #expect(again.status == 64, "kraft port new again:\n\(again.output)")
    #expect(again.stderr.contains("already exists"), "\(again.output)")
    #expect(!FileManager.default.fileExists(atPath: mirror + "/other.example.invalid"))

    // A later fetch with an empty cache still finds it.
    let fetch = try KraftProcess.run(
      ["fetch"], in: project,
      environment: environment.merging(["KRAFT_CACHE_DIR": base.path + "/cache2"]) { $1 })
    #expect(fetch.status == 0, "kraft fetch:\n\(fetch.output)")

    // A file that is not the pinned archive is refused, and the mirror keeps the right one.
    let wrong = try KraftProcess.run(
      ["mirror", "add", base.path + "/wrong.tar.gz", "--as", Self.url], in: project, environment: environment)
    #expect(wrong.status == 76, "kraft mirror add:\n\(wrong.output)")
    #expect(wrong.stderr.contains("port 'zz' 1.0 pins"), "\(wrong.output)")
    #expect(FileManager.default.contentsEqual(atPath: mirrored, andPath: archive))
    let right = try KraftProcess.run(
      ["mirror", "add", archive, "--as", Self.url], in: project, environment: environment)
    #expect(right.status == 0, "kraft mirror add:\n\(right.output)")
    #expect(right.stdout.contains("matches the pin of zz 1.0"), "\(right.output)")

    // `mirror sync` reads the project's own port and its Debian hint (kraft's own ports are
    // left out by naming the port, as musl's would really be downloaded); apt-get is a stand-in
    // that "downloads" the orig tarball (a copy of the archive) into its working folder.
    try
      (recipe.replacingOccurrences(
        of: "      archive: \(Self.url)\n",
        with:
          "      archive: \(Self.url)\n      debian: {package: zz, version: 1.0-1, orig: zz_1.0.orig.tar.gz}\n"
      ))
      .write(toFile: recipePath, atomically: true, encoding: .utf8)
    try FileManager.default.removeItem(atPath: mirrored)
    let bin = base.path + "/bin"
    try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
    try "#!/bin/sh\n[ \"$1 $4\" = 'source zz=1.0-1' ] || exit 1\ncp \"$FAKE_ORIG\" zz_1.0.orig.tar.gz\n"
      .write(toFile: bin + "/apt-get", atomically: true, encoding: .utf8)
    chmod(bin + "/apt-get", 0o755)
    let path = bin + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
    let sync = try KraftProcess.run(
      ["mirror", "sync", "zz"], in: project,
      environment: environment.merging(["PATH": path, "FAKE_ORIG": archive]) { $1 })
    #expect(sync.status == 0, "kraft mirror sync:\n\(sync.output)")
    #expect(sync.stdout.contains("zz 1.0: mirrored"), "\(sync.output)")
    #expect(FileManager.default.contentsEqual(atPath: mirrored, andPath: archive))
  }
}
