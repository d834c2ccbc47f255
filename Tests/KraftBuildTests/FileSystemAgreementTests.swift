import Foundation
import KraftBasics
import KraftFetch
import Testing

/// The same operations on a real scratch folder and on `InMemoryFileSystem` rooted at the same
/// path must be observed the same way, so tests written against the in-memory one hold for the
/// real one.
@Suite struct FileSystemAgreementTests {
  /// Runs `script` on both file systems and returns what each observed.
  private func onBoth(_ script: (any FileSystem, String) throws -> [String]) throws -> (
    real: [String], memory: [String]
  ) {
    let root = FileManager.default.temporaryDirectory.path + "/kraft-fs-\(UUID().uuidString)"
    let real = LocalFileSystem()
    try real.createDirectory(root)
    defer { try? real.remove(root) }
    let memory = InMemoryFileSystem()
    try memory.createDirectory(root)
    return (try script(real, root), try script(memory, root))
  }

  private func describe(_ fileSystem: any FileSystem, _ path: String) -> String {
    guard let status = fileSystem.status(path) else { return "\(path): none" }
    let size = status.kind == .directory ? "" : " \(status.size)"
    // A link's mode means nothing; a new folder's follows the umask, which other tests in
    // this process may change meanwhile.
    let mode = status.kind != .file ? "" : " " + String(status.permissions, radix: 8)
    return "\(status.kind)\(size)\(mode) owner \(status.owner == geteuid())"
  }

  @Test func bytesAndTextAgree() throws {
    let observed = try onBoth { fileSystem, root in
      let bytes = Data([0, 1, 2, 0xff, 0x80])
      try fileSystem.writeData(bytes, to: root + "/sub/blob")
      try fileSystem.writeText("hi\n", to: root + "/sub/text")
      return [
        "\(try fileSystem.readData(root + "/sub/blob") == bytes)",
        try fileSystem.readText(root + "/sub/text"),
        describe(fileSystem, root + "/sub/blob"),
        describe(fileSystem, root + "/sub"),
        "\(try fileSystem.list(root + "/sub"))",
        "\(fileSystem.fileSize(root + "/sub/text") ?? -1)",
        "\((try? fileSystem.readData(root + "/missing")) == nil)",
        "\((try? fileSystem.list(root + "/missing")) == nil)",
      ]
    }
    #expect(observed.real == observed.memory)
  }

  @Test func permissionsSurviveAnAtomicRewrite() throws {
    let observed = try onBoth { fileSystem, root in
      try fileSystem.createFile(root + "/tool", contents: Data("#!/bin/sh\n".utf8), permissions: 0o755)
      let before = describe(fileSystem, root + "/tool")
      let runnable = fileSystem.isExecutable(root + "/tool")
      try fileSystem.writeText("#!/bin/sh\nexit 0\n", to: root + "/tool")
      try fileSystem.setPermissions(root + "/tool", 0o600)
      return [before, "\(runnable)", describe(fileSystem, root + "/tool")]
    }
    #expect(observed.real == observed.memory)
    #expect(observed.memory.first == "file 10 755 owner true")
  }

  @Test func symbolicLinksAgree() throws {
    let observed = try onBoth { fileSystem, root in
      try fileSystem.writeText("target", to: root + "/dir/file")
      try fileSystem.createSymbolicLink(root + "/link", to: "dir/file")
      try fileSystem.createSymbolicLink(root + "/folder", to: root + "/dir")
      try fileSystem.createSymbolicLink(root + "/dangling", to: "nowhere")
      var seen = [
        try fileSystem.destinationOfSymbolicLink(root + "/link"),
        try fileSystem.readText(root + "/link"),
        try fileSystem.readText(root + "/folder/file"),
        describe(fileSystem, root + "/link"),
        "\(fileSystem.status(root + "/link", followingLinks: true)?.kind as Any)",
        "\(fileSystem.exists(root + "/dangling")) \(fileSystem.isSymbolicLink(root + "/dangling"))",
        "\(fileSystem.isDirectory(root + "/folder")) \(fileSystem.isSymbolicLink(root + "/folder"))",
        "\(try fileSystem.walkFiles(root))",
        "\((try? fileSystem.destinationOfSymbolicLink(root + "/dir/file")) == nil)",
      ]
      // An atomic write replaces the link, never writes through it.
      try fileSystem.writeText("new", to: root + "/link")
      seen += [describe(fileSystem, root + "/link"), try fileSystem.readText(root + "/dir/file")]
      try fileSystem.remove(root + "/folder")
      seen.append("\(fileSystem.exists(root + "/dir/file"))")
      return seen
    }
    #expect(observed.real == observed.memory)
  }

  @Test func copyAndMoveAgree() throws {
    let observed = try onBoth { fileSystem, root in
      try fileSystem.createDirectory(root + "/a")
      try fileSystem.createFile(root + "/a/run", contents: Data("x".utf8), permissions: 0o700)
      try fileSystem.writeText("y", to: root + "/a/deep/file")
      try fileSystem.createSymbolicLink(root + "/a/link", to: "run")
      try fileSystem.copy(root + "/a", to: root + "/b")
      var seen = [
        "\(try fileSystem.walkFiles(root + "/b"))",
        try fileSystem.destinationOfSymbolicLink(root + "/b/link"),
        describe(fileSystem, root + "/b/run"),
        "\((try? fileSystem.copy(root + "/a", to: root + "/b")) == nil)",
      ]
      try fileSystem.move(root + "/b", to: root + "/c")
      seen += [
        "\(fileSystem.exists(root + "/b")) \(try fileSystem.readText(root + "/c/deep/file"))",
        "\((try? fileSystem.move(root + "/a", to: root + "/c")) == nil)",
      ]
      return seen
    }
    #expect(observed.real == observed.memory)
  }

  /// The tree walk behind tree hashes and release inputs sees the same entries on both.
  @Test func treeWalkAgrees() throws {
    let observed = try onBoth { fileSystem, root in
      try fileSystem.writeText("int main;\n", to: root + "/src/main.c")
      try fileSystem.createFile(root + "/src/run.sh", contents: Data("#!/bin/sh\n".utf8), permissions: 0o755)
      try fileSystem.createSymbolicLink(root + "/src/alias.c", to: "main.c")
      try fileSystem.createDirectory(root + "/rootfs/tmp")
      try fileSystem.writeText("x", to: root + "/.git/HEAD")
      let walk = TreeWalk(
        fileSystem: fileSystem, skips: { $0 == ".git" }, listsEmptyFolders: true,
        unreadable: { FetchError(.fetchFailed, $0) },
        unsupported: { path, _ in FetchError(.fetchFailed, path) })
      return try walk.entries(of: root).map(\.line)
    }
    #expect(observed.real == observed.memory)
    #expect(observed.memory.count == 4)
  }
}
