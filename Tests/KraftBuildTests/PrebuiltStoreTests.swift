import Foundation
import KraftBasics
import Testing

@testable import KraftBuild

/// The prebuilt store on a real folder: entries round-trip, a damaged one is found, removed and
/// then missed, the size bound evicts the entry used longest ago, and `PrebuiltLibraries`
/// puts a hit's objects in place and leaves ninja nothing to compile for them.
@Suite struct PrebuiltStoreTests {
  static func folder() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent(
      "kraft-prebuilt-\(UUID().uuidString)"
    )
    .path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }

  static let objects = [
    PrebuiltStore.StoredObject(path: "obj/musl/src/a.c.o", data: Data("object a".utf8)),
    PrebuiltStore.StoredObject(path: "obj/musl/src/b.c.o", data: Data(repeating: 7, count: 5000)),
  ]

  /// What a lookup found, as stored objects; nil for a miss or a damaged entry.
  static func found(_ lookup: PrebuiltStore.Lookup) -> [PrebuiltStore.StoredObject]? {
    guard case .hit(let objects) = lookup else { return nil }
    return objects.map { PrebuiltStore.StoredObject(path: $0.path, data: $0.data) }
  }

  /// Changes an entry's file in place (it is read-only: made writable for the test).
  static func damage(_ file: String, _ change: (inout Data) -> Void) throws {
    chmod(file, 0o644)
    var bytes = try Data(contentsOf: URL(fileURLWithPath: file))
    change(&bytes)
    try bytes.write(to: URL(fileURLWithPath: file))
  }

  @Test func anEntryRoundTripsAndADamagedOneIsRemoved() throws {
    let root = try Self.folder()
    defer { try? FileManager.default.removeItem(atPath: root) }
    let store = PrebuiltStore(directory: root + "/prebuilt", maxBytes: 1_000_000)
    let key = String(repeating: "ab", count: 32)
    #expect(store.load(key) == .miss)
    try store.save(key, library: "musl", objects: Self.objects)
    #expect(Self.found(store.load(key)) == Self.objects)
    // Read-only whatever the umask, so that nothing writes into it through a link by mistake.
    let stored = store.entryPath(key) + "/objects/obj/musl/src/b.c.o"
    #expect(LocalFileSystem().status(stored, followingLinks: false)?.permissions == 0o444)

    // One byte flipped in the middle of the second object.
    try Self.damage(stored) { $0[2500] ^= 0xff }
    guard case .damaged(let reason) = store.load(key) else {
      Issue.record("a damaged entry was not detected")
      return
    }
    #expect(reason.contains("b.c.o"), "\(reason)")
    #expect(!FileManager.default.fileExists(atPath: store.entryPath(key)))
    #expect(store.load(key) == .miss)

    // Cut short, or an object missing: detected too.
    try store.save(key, library: "musl", objects: Self.objects)
    try Self.damage(stored) { $0 = $0.prefix(4990) }
    #expect(Self.found(store.load(key)) == nil)
    try store.save(key, library: "musl", objects: Self.objects)
    unlink(store.entryPath(key) + "/objects/obj/musl/src/a.c.o")
    #expect(Self.found(store.load(key)) == nil)
    #expect(store.load(key) == .miss)
  }

  @Test func theBoundEvictsTheEntryUsedLongestAgo() throws {
    let root = try Self.folder()
    defer { try? FileManager.default.removeItem(atPath: root) }
    // Room for two entries of about 5 KB, not three.
    let store = PrebuiltStore(directory: root + "/prebuilt", maxBytes: 12_000)
    let keys = ["aa", "bb", "cc"].map { String(repeating: $0, count: 32) }
    try store.save(keys[0], library: "musl", objects: Self.objects)
    try store.save(keys[1], library: "musl", objects: Self.objects)
    // The first is used again (a hit sets its time), so the second is the oldest.
    let past = timespec(tv_sec: 1_000_000, tv_nsec: 0)
    let times = [past, past]
    utimensat(AT_FDCWD, store.entryPath(keys[1]) + "/listing", times, 0)
    utimensat(AT_FDCWD, store.entryPath(keys[0]) + "/listing", times, 0)
    #expect(Self.found(store.load(keys[0])) == Self.objects)
    try store.save(keys[2], library: "musl", objects: Self.objects)
    #expect(store.load(keys[1]) == .miss)
    #expect(Self.found(store.load(keys[0])) == Self.objects)
    #expect(Self.found(store.load(keys[2])) == Self.objects)
  }

  @Test func sizesAreReadAsCcacheReadsThem() {
    #expect(PrebuiltStore.bytes("5G") == 5_000_000_000)
    #expect(PrebuiltStore.bytes("200K") == 200_000)
    #expect(PrebuiltStore.bytes("1.5Mi") == 1_572_864)
    #expect(PrebuiltStore.bytes("2") == 2_000_000_000)
    #expect(PrebuiltStore.bytes("lots") == nil)
  }

  /// `PrebuiltLibraries` over a store in `root`, large enough for these tests' entries.
  static func libraries(_ root: String) -> PrebuiltLibraries {
    PrebuiltLibraries(
      store: PrebuiltStore(directory: root + "/prebuilt", maxBytes: 1_000_000), runner: SystemProcessRunner())
  }

  /// One library's two objects in a build folder under `root`.
  static func group(_ root: String, key: String) -> PrebuiltLibraries.Group {
    let folder = root + "/build/qemu-x86_64"
    let steps = ["a", "b"].map {
      CompileStep(
        library: "musl", source: "/src/\($0).c", object: folder + "/obj/musl/src/\($0).c.o",
        command: ["cc"], description: "CC musl src/\($0).c")
    }
    return PrebuiltLibraries.Group(
      library: "musl", part: .upstream, objectFolder: folder, steps: steps, key: key)
  }

  /// A source edited while ninja ran changes the group's key: its objects may hold the edit,
  /// so only groups whose key is unchanged are stored.
  @Test func onlyGroupsKeyedAlikeAfterTheBuildAreStored() throws {
    let root = "/nowhere"
    let before = [Self.group(root, key: "k1"), Self.group(root + "/other", key: "k2")]
    let after = [Self.group(root, key: "k1"), Self.group(root + "/other", key: "k2 edited")]
    #expect(PrebuiltLibraries.keptTheirKeys(before, rekeyed: after) == [before[0]])
    #expect(PrebuiltLibraries.keptTheirKeys(before, rekeyed: before) == before)
    #expect(PrebuiltLibraries.keptTheirKeys(before, rekeyed: []).isEmpty)
  }

  @Test func aHitIsPutInPlaceAndAMissIsStoredAfterTheBuild() throws {
    let root = try Self.folder()
    defer { try? FileManager.default.removeItem(atPath: root) }
    let libraries = Self.libraries(root)
    let group = Self.group(root, key: String(repeating: "cd", count: 32))
    try FileManager.default.createDirectory(
      atPath: group.objectFolder + "/obj/musl/src", withIntermediateDirectories: true)

    let cold = try libraries.prepare([group])
    #expect(cold.missed == [group] && cold.reused.isEmpty)
    // What ninja would have compiled.
    for object in Self.objects {
      try object.data.write(to: URL(fileURLWithPath: group.objectFolder + "/" + object.path))
    }
    try libraries.store(cold.missed)

    // Another build folder with the same key gets the objects without compiling.
    let other = Self.group(root + "/other", key: group.key)
    try FileManager.default.createDirectory(
      atPath: other.objectFolder + "/obj/musl", withIntermediateDirectories: true)
    try FileManager.default.createDirectory(
      atPath: other.objectFolder + "/obj/musl/src", withIntermediateDirectories: true)
    let warm = try libraries.prepare([other])
    #expect(warm.reused == [other] && warm.missed.isEmpty)
    #expect(warm.reusedObjects == Set(other.steps.map(\.object)))
    for object in Self.objects {
      #expect(
        try Data(contentsOf: URL(fileURLWithPath: other.objectFolder + "/" + object.path)) == object.data)
    }

    // Unchanged, the folder is reused as it is; an object compiled over later (a build
    // without the cache) makes the stamp stale, and the store's objects are put back.
    #expect(PrebuiltLibraries.stampMatches(other))
    let past = [timespec(tv_sec: 1_000_000, tv_nsec: 0), timespec(tv_sec: 1_000_000, tv_nsec: 0)]
    utimensat(AT_FDCWD, other.stamp, past, 0)
    #expect(!PrebuiltLibraries.stampMatches(other))
    // (A compiler renames its output over the object, as clang does.)
    try Data("compiled with other flags".utf8).write(
      to: URL(fileURLWithPath: other.steps[0].object), options: .atomic)
    _ = try libraries.prepare([other])
    #expect(try Data(contentsOf: URL(fileURLWithPath: other.steps[0].object)) == Self.objects[0].data)
    #expect(Self.found(libraries.store.load(group.key)) == Self.objects)

    // Reused objects are hard links to the entry's files, not copies.
    let stored = libraries.store.entryPath(group.key) + "/objects/" + Self.objects[1].path
    var linked = stat()
    var original = stat()
    #expect(stat(other.steps[1].object, &linked) == 0 && stat(stored, &original) == 0)
    #expect(linked.st_ino == original.st_ino && linked.st_dev == original.st_dev)

    // When the store no longer answers (another key: flags changed), the linked objects are
    // unlinked before ninja compiles, so that no compiler writes into the store's files.
    let changed = PrebuiltLibraries.Group(
      library: "musl", part: .upstream, objectFolder: other.objectFolder, steps: other.steps,
      key: String(repeating: "ef", count: 32))
    let missed = try libraries.prepare([changed])
    #expect(missed.missed == [changed])
    #expect(!FileManager.default.fileExists(atPath: other.steps[1].object))
    #expect(try Data(contentsOf: URL(fileURLWithPath: stored)) == Self.objects[1].data)
    // An object compiled here (one link) stays: ninja knows it is up to date.
    try Data("compiled".utf8).write(to: URL(fileURLWithPath: other.steps[1].object))
    PrebuiltLibraries.breakLinks(other.steps.map(\.object))
    #expect(FileManager.default.fileExists(atPath: other.steps[1].object))

    // A damaged entry: reported, compiled again (missed), and its stamp gone from a new folder.
    try Self.damage(stored) { $0[$0.count - 1] ^= 0xff }
    let third = Self.group(root + "/third", key: group.key)
    let damaged = try libraries.prepare([third])
    #expect(damaged.missed == [third] && damaged.damaged.count == 1)
  }
}
