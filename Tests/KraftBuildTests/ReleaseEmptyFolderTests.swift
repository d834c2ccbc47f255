import Foundation
import KraftBasics
import Testing

@testable import KraftBuild

/// Release inputs keep empty folders (a rootfs's `tmp/` ends up in the initrd), leave out
/// `.git` at any depth and `kraft port edit` workspaces, and a differing initrd is explained
/// by the rootfs entry that differs.
@Suite struct ReleaseEmptyFolderTests {
  @Test func emptyFoldersAreInputsAndGitInternalsAreNot() throws {
    let folder = try ReleaseVerifierTests.Folder()
    try folder.write("Kraftfile", "name: app\n")
    try folder.write("rootfs/etc/motd", "hi\n")
    try FileManager.default.createDirectory(
      atPath: folder.path + "/rootfs/tmp", withIntermediateDirectories: true)
    try folder.write("vendor/lib.c", "int x;\n")
    try folder.write("vendor/.git/HEAD", "ref: refs/heads/main\n")
    try folder.write(
      String(PortWorkspace.defaultPath(name: "zlib", projectDirectory: "").dropFirst()) + "/zlib.h", "z")
    let inputs = try ReleaseInputs().projectFiles(directory: folder.path, excluding: [])
    #expect(inputs.files.map(\.path) == ["Kraftfile", "rootfs/etc/motd", "rootfs/tmp/", "vendor/lib.c"])
    #expect(inputs.files[2].sha256 == SHA256.hex(of: ""))

    // Removing the empty folder changes the project's hash: it is an input like a file.
    try FileManager.default.removeItem(atPath: folder.path + "/rootfs/tmp")
    let without = try ReleaseInputs().projectFiles(directory: folder.path, excluding: [])
    #expect(without.treeHash != inputs.treeHash)
  }

  @Test func verifyCopiesEmptyFolders() throws {
    let folder = try ReleaseVerifierTests.Folder()
    try folder.write("Kraftfile", "name: app\n")
    try FileManager.default.createDirectory(
      atPath: folder.path + "/rootfs/tmp", withIntermediateDirectories: true)
    let copy = folder.path + "-copy"
    defer { try? FileManager.default.removeItem(atPath: copy) }
    let verifier = ReleaseVerifier(rebuilder: ReleaseVerifierTests.FakeRebuilder(image: []))
    try verifier.copyProject(from: folder.path, to: copy, excluding: ".unikraft/build")
    var isFolder: ObjCBool = false
    #expect(FileManager.default.fileExists(atPath: copy + "/rootfs/tmp", isDirectory: &isFolder))
    #expect(isFolder.boolValue)
  }

  @Test func initrdDifferenceNamesTheRootfsEntry() throws {
    let writer = CpioWriter(mtime: 0)
    let motd = CpioEntry(path: "etc/motd", kind: .file, permissions: 0o644, data: Array("hi\n".utf8))
    let etc = CpioEntry(path: "etc", kind: .directory, permissions: 0o755)
    let tmp = CpioEntry(path: "tmp", kind: .directory, permissions: 0o755)
    let released = try writer.archive([etc, motd, tmp])
    #expect(
      InitrdDifference.describe(released: released, rebuilt: try writer.archive([etc, motd]))
        == "rootfs folder 'tmp' is in the released initrd but not in the rebuilt one")
    var changed = motd
    changed.data = Array("bye\n".utf8)
    #expect(
      InitrdDifference.describe(released: released, rebuilt: try writer.archive([etc, changed, tmp]))
        == "rootfs file 'etc/motd' has different contents in the release and the rebuild")
    var executable = motd
    executable.permissions = 0o755
    #expect(
      InitrdDifference.describe(released: released, rebuilt: try writer.archive([etc, executable, tmp]))
        == "rootfs entry 'etc/motd' has mode 100644 in the release, 100755 rebuilt")
    #expect(InitrdDifference.describe(released: released, rebuilt: released) == nil)
    #expect(InitrdDifference.describe(released: Array("not cpio".utf8), rebuilt: released) == nil)
  }
}

/// A difference with every recorded input unchanged still says so, rather than nothing.
@Suite struct ReleaseUnexplainedDifferenceTests {
  @Test func aDifferenceWithNoChangedInputSaysTheInputsAgree() throws {
    let folder = try ReleaseVerifierTests.Folder()
    let manifest = try ReleaseVerifierTests.release(in: folder)
    var rebuilt = ReleaseVerifierTests.released
    rebuilt[0] = 0
    let outcome = try ReleaseVerifier(rebuilder: ReleaseVerifierTests.FakeRebuilder(image: rebuilt))
      .verify(manifestPath: manifest, projectDirectory: nil, kernel: ReleaseVerifierTests.kernel)
    #expect(!outcome.differences.isEmpty)
    #expect(outcome.changedInputs.count == 1)
    #expect(outcome.changedInputs.first?.hasPrefix("no recorded input differs") == true)
  }
}
