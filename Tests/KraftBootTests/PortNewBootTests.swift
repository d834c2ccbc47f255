import Foundation
import KraftTestSupport
import Testing

/// `kraft port new` on an upstream-like release archive (a small C library: sources and header
/// in src/, a command-line program with main, an MIT LICENSE), then a build and
/// boot of an app using it: the written recipe builds without a single edit.
@Suite(.tags(.slow), .slowTier) struct PortNewBootTests {
  @Test func newRecipeBuildsAndBootsUnedited() throws {
    let base = FileManager.default.temporaryDirectory.appendingPathComponent(
      "kraft-port-new-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: base) }
    let archive = try TallyRelease.archive(in: base)

    let project = base.appendingPathComponent("app")
    try FileManager.default.createDirectory(at: project, withIntermediateDirectories: true)
    try """
    spec: v0.6
    name: app
    unikraft: stable
    libraries:
      tally: '1.2'
    targets:
      - qemu/x86_64
    """.write(to: project.appendingPathComponent("Kraftfile"), atomically: true, encoding: .utf8)
    try """
    #include <stdio.h>
    #include <tally.h>

    int main(void) {
      printf("letters: %d\\n", tally_letters("unikernel 2026!"));
      return 0;
    }
    """.write(to: project.appendingPathComponent("main.c"), atomically: true, encoding: .utf8)

    let new = try KraftProcess.run(["port", "new", "tally", "--archive", "file://" + archive], in: project)
    #expect(new.status == 0, "kraft port new:\n\(new.output)")
    #expect(new.stdout.contains("left out (they define main): src/tallycli.c"), "\(new.output)")
    let recipe = try String(
      contentsOf: project.appendingPathComponent("Ports/tally/port.yaml"), encoding: .utf8)
    #expect(recipe.contains("license: MIT"))
    #expect(recipe.contains("kind: port"))
    #expect(recipe.contains("requires: [libc]"))
    #expect(recipe.contains("includes: [src]"))
    #expect(recipe.contains("  - src/tally.c\n"))
    #expect(recipe.contains("#   src/tallycli.c"))

    // The Kraftfile lists the port directly: 'kraft port add' would also bring musl for
    // `requires: [libc]`, while the kernel's small libc (nolibc) is enough here and builds fast.
    let build = try KraftProcess.run(["build"], in: project)
    #expect(build.status == 0, "kraft build:\n\(build.output)")
    let run = try KraftProcess.run(["run", "--timeout", "60"], in: project)
    #expect(run.status == 0, "kraft run:\n\(run.output)")
    #expect(run.stdout.contains("letters: 9"), "\(run.output)")
  }
}
