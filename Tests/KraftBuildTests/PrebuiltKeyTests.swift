import Foundation
import KraftBasics
import Testing

@testable import KraftBuild

/// The prebuilt store's key: whatever can change a library's objects changes it (a flag, a
/// header outside the port's tree, the compiler, the port's verified tree, an option), and
/// what cannot (the project's folder) does not.
@Suite struct PrebuiltKeyTests {
  static let tree = "/cache/prepared/abc"

  static func files() -> InMemoryFileSystem {
    InMemoryFileSystem(files: [
      tree + "/src/a.c": "int a;", tree + "/include/a.h": "#define A 1",
      "/kraft/Kernel/include/kraft/abi.h": "#define ABI 1",
      "/clang/include/stddef.h": "typedef unsigned long size_t;",
      "/p/.unikraft/build/qemu-x86_64/include/config.h": "#define CONFIG_X 1",
    ])
  }

  /// musl-like compiles of one port in project folder `project`.
  static func steps(project: String = "/p", flags: [String] = ["-O2", "-DCONFIG_X=1"]) -> [CompileStep] {
    let folder = project + "/.unikraft/build/qemu-x86_64"
    return ["a"].map { name in
      let object = folder + "/obj/musl/src/\(name).c.o"
      return CompileStep(
        library: "musl", source: tree + "/src/\(name).c", object: object,
        command: ["/clang/bin/clang", "-nostdinc", "-isystem", "/clang/include"] + flags + [
          "-I" + tree + "/include", "-I/kraft/Kernel/include", "-ffile-prefix-map=\(project)=/kraft/app",
          "-MMD", "-MF", object + ".d", "-c", tree + "/src/\(name).c", "-o", object,
        ], description: "CC musl src/\(name).c")
    }
  }

  static func key(
    _ steps: [CompileStep] = steps(), project: String = "/p", fileSystem: FileSystem = files(),
    identity: String = "tree sha256:1 patches - prepared -", compiler: String = "clang 21",
    environment: [String: String] = [:]
  ) throws -> String {
    var keying = PrebuiltKey(
      fileSystem: fileSystem, verifiedTrees: [tree: identity],
      outputDirectory: project + "/.unikraft/build", projectDirectory: project)
    return try keying.key(
      of: steps, library: "musl", objectFolder: project + "/.unikraft/build/qemu-x86_64",
      compiler: compiler, environment: environment)
  }

  @Test func anotherProjectFolderGivesTheSameKey() throws {
    let other = try Self.key(Self.steps(project: "/home/me/other"), project: "/home/me/other")
    #expect(try Self.key() == other)
  }

  @Test func aChangedFlagOrOptionChangesTheKey() throws {
    let base = try Self.key()
    #expect(try Self.key(Self.steps(flags: ["-O1", "-DCONFIG_X=1"])) != base)
    #expect(try Self.key(Self.steps(flags: ["-O2", "-DCONFIG_X=2"])) != base)
    #expect(try Self.key(environment: ["SOURCE_DATE_EPOCH": "1"]) != base)
  }

  @Test func aChangedHeaderOutsideTheTreeChangesTheKey() throws {
    let base = try Self.key()
    let kernel = Self.files()
    try kernel.writeText("#define ABI 2", to: "/kraft/Kernel/include/kraft/abi.h")
    #expect(try Self.key(fileSystem: kernel) != base)
    let added = Self.files()
    try added.writeText("", to: "/clang/include/new.h")
    #expect(try Self.key(fileSystem: added) != base)
  }

  @Test func theVerifiedTreeCountsByItsIdentityAndTheCompilerByItsOwn() throws {
    let base = try Self.key()
    #expect(try Self.key(identity: "tree sha256:2 patches - prepared -") != base)
    #expect(try Self.key(compiler: "clang 22") != base)
    // Inside the verified tree only the identity counts (the fetch layer checks the files).
    let edited = Self.files()
    try edited.writeText("int b;", to: Self.tree + "/src/a.c")
    #expect(try Self.key(fileSystem: edited) == base)
  }

  @Test func placeholdersReplaceWholeFolderNamesOnly() {
    let names = [("/p/out", "$OUT"), ("/p", "$PROJECT")]
    #expect(PrebuiltKey.normalised("-I/p/out/x", names) == "-I$OUT/x")
    #expect(
      PrebuiltKey.normalised("-ffile-prefix-map=/p=/kraft/app", names)
        == "-ffile-prefix-map=$PROJECT=/kraft/app")
    #expect(PrebuiltKey.normalised("/pq/a.c", names) == "/pq/a.c")
  }

  @Test func theCompilersIdentityChangesWithItsFileAndVersion() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "kraft-ci-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let compiler = folder.appendingPathComponent("cc").path
    try "#!/bin/sh\necho cc 1\n".write(toFile: compiler, atomically: true, encoding: .utf8)
    chmod(compiler, 0o755)
    let runner = SystemProcessRunner()
    let first = try CompilerIdentity.of(compiler, runner: runner)
    #expect(try CompilerIdentity.of(compiler, runner: runner) == first)
    try "#!/bin/sh\necho cc 2\n".write(toFile: compiler, atomically: true, encoding: .utf8)
    chmod(compiler, 0o755)
    #expect(try CompilerIdentity.of(compiler, runner: runner) != first)
  }
}
