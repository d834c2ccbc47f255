import KraftManifest
import KraftModel
import Testing

@Suite struct LockfileCodecTests {
  static let text = """
    # Kraftfile.lock: the exact upstream sources of this project's libraries.
    # Written by kraft; do not edit. 'kraft lock --update [NAME]' refreshes it.
    lock-version: 1
    libraries:
      "lwip":
        version: "2.1.3"
        kind: "git"
        url: "git://127.0.0.1/lwip.git"
        commit: "0123456789abcdef0123456789abcdef01234567"
        tree: "sha256:aaaa"
      "musl":
        version: "1.2.3"
        kind: "archive"
        url: "https://musl.libc.org/releases/musl-1.2.3.tar.gz"
        sha256: "7d5b0b6062521e4627e099e4c9dc8248d32a30285e959b7eecaa780cf8cfd4a4"
        tree: "sha256:bbbb"
        patches: "sha256:cccc"
        prepared-tree: "sha256:dddd"

    """

  @Test func roundTripIsByteForByte() throws {
    let lock = try LockfileCodec.decode(Self.text, file: "Kraftfile.lock")
    #expect(lock.entries.map(\.name) == ["lwip", "musl"])
    #expect(lock["musl"]?.patchSetHash == "sha256:cccc")
    #expect(lock["musl"]?.pin.preparedTree == "sha256:dddd")
    #expect(lock["lwip"]?.kind == .git)
    #expect(LockfileCodec.encode(lock) == Self.text)
  }

  @Test func writingIsIndependentOfInsertionOrder() throws {
    let a = LockfileEntry(
      name: "b", version: "1", kind: .archive, url: "u", pin: UpstreamPin(treeHash: "t"))
    let b = LockfileEntry(
      name: "a", version: "odd \"quoted\"\nvalue", kind: .git, url: "v",
      pin: UpstreamPin(commit: "c", treeHash: "t"))
    var first = Lockfile()
    first.set(a)
    first.set(b)
    let second = Lockfile(entries: [b, a])
    #expect(LockfileCodec.encode(first) == LockfileCodec.encode(second))
    #expect(try LockfileCodec.decode(LockfileCodec.encode(first), file: "x") == first)
  }

  @Test func aDamagedLockfileIsReportedAtItsLine() {
    let text = "lock-version: 1\nlibraries:\n  musl:\n    version: \"1\"\n    kind: \"svn\"\n"
    #expect {
      _ = try LockfileCodec.decode(text, file: "Kraftfile.lock")
    } throws: { error in
      let items = (error as? Diagnostics)?.items ?? []
      return items.first?.location?.line == 5 && items.first?.message.contains("'svn'") == true
    }
  }
}
