import Foundation
import KraftFetch
import KraftModel
import Testing

/// Hostile release archives, each made here by python's tarfile (no real device node or
/// setuid file is ever created to build them).
@Suite struct ArchiveSafetyTests {
  /// Runs `body` (python, with `t` an open tarfile and `add(name, **fields)` adding an entry)
  /// to write `evil.tar.gz`; returns its path.
  static func hostileTar(_ body: String, compression: String = "gz") throws -> String {
    let folder = try TestScratch.make("hostile")
    let archive = folder + "/evil.tar" + (compression.isEmpty ? "" : "." + compression)
    try TestScratch.run(
      [
        "python3", "-c",
        """
        import io, sys, tarfile
        def add(name, data=b"", **fields):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            for key, value in fields.items(): setattr(info, key, value)
            t.addfile(info, io.BytesIO(data))
        with tarfile.open(sys.argv[1], "w:\(compression)") as t:
        """ + "\n" + body.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"),
        archive,
      ], in: folder)
    return archive
  }

  /// Extracts into a fresh folder; returns the folder and the error, if any.
  static func extract(_ archive: String, limits: ArchiveLimits = .standard) throws -> (
    String, FetchError?
  ) {
    let destination = try TestScratch.make("extracted") + "/tree"
    let error = fetchError {
      try ArchiveExtractor.extract(archive: archive, into: destination, limits: limits)
    }
    return (destination, error)
  }

  @Test(arguments: [
    ("tarfile.CHRTYPE", "a character device"),
    ("tarfile.BLKTYPE", "a block device"),
    ("tarfile.FIFOTYPE", "a FIFO"),
  ])
  func deviceNodesAndFIFOsAreRefusedBeforeAnythingIsCreated(type: String, what: String) throws {
    let archive = try Self.hostileTar(
      """
      add("evil-1.0/ok.txt", b"x")
      add("evil-1.0/mem", type=\(type), devmajor=1, devminor=1, mode=0o666)
      """)
    let (tree, error) = try Self.extract(archive)
    #expect(error?.kind == .verificationFailed)
    #expect(error?.message.contains(what) == true, "\(String(describing: error))")
    var info = stat()
    #expect(lstat(tree + "/mem", &info) != 0, "the node was created")
  }

  @Test func modesAreNormalisedLikeGit() throws {
    let archive = try Self.hostileTar(
      """
      add("evil-1.0/", type=tarfile.DIRTYPE, mode=0o1777)
      add("evil-1.0/suid", b"x", mode=0o6777)
      add("evil-1.0/writable", b"x", mode=0o666)
      add("evil-1.0/run", b"x", mode=0o4750)
      add("evil-1.0/shared/", type=tarfile.DIRTYPE, mode=0o2777)
      add("evil-1.0/plain", b"x", mode=0o644)
      add("evil-1.0/hard", type=tarfile.LNKTYPE, linkname="evil-1.0/plain", mode=0o6777)
      """)
    let (tree, error) = try Self.extract(archive)
    #expect(error == nil, "\(String(describing: error))")
    func mode(_ path: String) -> mode_t {
      var info = stat()
      lstat(tree + path, &info)
      return info.st_mode & 0o7777
    }
    #expect(mode("/suid") == 0o755)
    #expect(mode("/writable") == 0o644)
    #expect(mode("/run") == 0o755)
    #expect(mode("/shared") == 0o755)
    #expect(mode("/plain") == 0o644)
    #expect(mode("/hard") == 0o644)
  }

  @Test(arguments: [true, false])
  func twoChainedRelativeLinksLeavingTheTreeAreRefused(linkFirst: Bool) throws {
    // By their text each stays inside; followed, `l2` is the tree's parent folder.
    let entries = [
      #"add("evil-1.0/sub/l1", type=tarfile.SYMTYPE, linkname="..")"#,
      #"add("evil-1.0/l2", type=tarfile.SYMTYPE, linkname="sub/l1/..")"#,
    ]
    let archive = try Self.hostileTar(
      #"add("evil-1.0/sub/", type=tarfile.DIRTYPE)"# + "\n"
        + (linkFirst ? entries : entries.reversed()).joined(separator: "\n"))
    let (_, error) = try Self.extract(archive)
    #expect(error?.kind == .verificationFailed)
    #expect(error?.message.contains("'evil-1.0/l2'") == true, "\(String(describing: error))")
    #expect(error?.message.contains("outside the tree") == true)
  }

  @Test func aFileBelowALinkIsRefused() throws {
    let archive = try Self.hostileTar(
      """
      add("evil-1.0/alias", type=tarfile.SYMTYPE, linkname=".")
      add("evil-1.0/alias/file", b"x")
      """)
    let (_, error) = try Self.extract(archive)
    #expect(
      error?.message.contains("inside 'alias', a symbolic link") == true, "\(String(describing: error))")
  }

  @Test func severalTopFoldersAreRefusedInsteadOfMerged() throws {
    let archive = try Self.hostileTar(
      """
      add("one-1.0/a.c", b"a")
      add("two-1.0/b.c", b"b")
      """)
    let (tree, error) = try Self.extract(archive)
    #expect(
      error?.message.contains("several top folders ('one-1.0' and 'two-1.0')") == true,
      "\(String(describing: error))")
    #expect(!FileManager.default.fileExists(atPath: tree + "/b.c"))
  }

  @Test func aTinyArchiveDeclaringAHugeSparseFileIsRefusedUnwritten() throws {
    let folder = try TestScratch.make("sparse")
    try TestScratch.run(["mkdir", "evil-1.0"], in: folder)
    try TestScratch.run(["truncate", "-s", "4G", "evil-1.0/zeros"], in: folder)
    try TestScratch.run(["tar", "--sparse", "-czf", "evil.tar.gz", "evil-1.0"], in: folder)
    var info = stat()
    stat(folder + "/evil.tar.gz", &info)
    #expect(info.st_size < 4096)
    let (tree, error) = try Self.extract(folder + "/evil.tar.gz")
    #expect(error?.message.contains("expands more than 100 times") == true, "\(String(describing: error))")
    #expect(!FileManager.default.fileExists(atPath: tree + "/zeros"))
  }

  @Test func aGzipBombIsRefused() throws {
    // 96 MiB of zeros compress to about 100 KB.
    let archive = try Self.hostileTar(#"add("evil-1.0/zeros", bytes(96 << 20))"#)
    let (_, error) = try Self.extract(archive)
    #expect(error?.kind == .verificationFailed)
    #expect(error?.message.contains("expands more than 100 times") == true, "\(String(describing: error))")
  }

  @Test func theTotalSizeLimitHolds() async throws {
    let upstream = try await UpstreamFixture.shared.value
    let small = ArchiveLimits(maximumBytes: 20, maximumRatio: 100, ratioFloor: 1 << 20, maximumEntries: 100)
    let (_, error) = try Self.extract(upstream.tarGz, limits: small)
    #expect(error?.message.contains("expands to more than 20 bytes") == true, "\(String(describing: error))")
    let (tree, fine) = try Self.extract(upstream.tarGz)
    #expect(fine == nil)
    #expect(FileManager.default.fileExists(atPath: tree + "/src/widget.c"))
  }

  @Test func anUnreadableFileIsNeverQuoted() throws {
    let folder = try TestScratch.make("secret")
    let secrets = [
      "root:$y$j9T$SECRETHASH1:19000:0:99999:7:::\n",
      "password=SECRETHASH2 type=file\n",
      "#mtree\nSECRETHASH3 type=file mode=0644\n",
    ]
    for (index, text) in secrets.enumerated() {
      let path = folder + "/shadow\(index)"
      try TestScratch.write(text, to: path)
      let (_, error) = try Self.extract(path)
      #expect(error?.kind == .fetchFailed)
      #expect(error?.message.contains("SECRETHASH") == false, "\(String(describing: error))")
      #expect(error?.message.contains("not a tar, zip or 7z archive") == true)
    }
  }
}
