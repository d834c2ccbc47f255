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

  @Test func anEntryRoundTripsAndADamagedOneIsRemoved() throws {
    let root = try Self.folder()
    defer { try? FileManager.default.removeItem(atPath: root) }
    let store = PrebuiltStore(directory: root + "/prebuilt", maxBytes: 1_000_000)
    let key = String(repeating: "ab", count: 32)
    #expect(store.load(key) == .miss)
    try store.save(key, library: "musl", objects: Self.objects)
    #expect(store.load(key) == .hit(Self.objects))

    // One byte flipped in the middle of the second object.
    var bytes = try Data(contentsOf: URL(fileURLWithPath: store.entryPath(key)))
    bytes[bytes.count - 100] ^= 0xff
    try bytes.write(to: URL(fileURLWithPath: store.entryPath(key)))
    guard case .damaged(let reason) = store.load(key) else {
      Issue.record("a damaged entry was not detected")
      return
    }
    #expect(reason.contains("b.c.o"), "\(reason)")
    #expect(!FileManager.default.fileExists(atPath: store.entryPath(key)))
    #expect(store.load(key) == .miss)

    // Cut short: detected too.
    try store.save(key, library: "musl", objects: Self.objects)
    let whole = try Data(contentsOf: URL(fileURLWithPath: store.entryPath(key)))
    try whole.prefix(whole.count - 10).write(to: URL(fileURLWithPath: store.entryPath(key)))
    #expect(store.load(key) != .hit(Self.objects))
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
    utimensat(AT_FDCWD, store.entryPath(keys[1]), times, 0)
    utimensat(AT_FDCWD, store.entryPath(keys[0]), times, 0)
    #expect(store.load(keys[0]) == .hit(Self.objects))
    try store.save(keys[2], library: "musl", objects: Self.objects)
    #expect(store.load(keys[1]) == .miss)
    #expect(store.load(keys[0]) == .hit(Self.objects))
    #expect(store.load(keys[2]) == .hit(Self.objects))
  }

  @Test func sizesAreReadAsCcacheReadsThem() {
    #expect(PrebuiltStore.bytes("5G") == 5_000_000_000)
    #expect(PrebuiltStore.bytes("200K") == 200_000)
    #expect(PrebuiltStore.bytes("1.5Mi") == 1_572_864)
    #expect(PrebuiltStore.bytes("2") == 2_000_000_000)
    #expect(PrebuiltStore.bytes("lots") == nil)
  }

  /// One library's two objects in a build folder under `root`.
  static func group(_ root: String, key: String) -> PrebuiltLibraries.Group {
    let folder = root + "/build/qemu-x86_64"
    let steps = ["a", "b"].map {
      CompileStep(
        library: "musl", source: "/src/\($0).c", object: folder + "/obj/musl/src/\($0).c.o",
        command: ["cc"], description: "CC musl src/\($0).c")
    }
    return PrebuiltLibraries.Group(library: "musl", objectFolder: folder, steps: steps, key: key)
  }

  @Test func aHitIsPutInPlaceAndAMissIsStoredAfterTheBuild() throws {
    let root = try Self.folder()
    defer { try? FileManager.default.removeItem(atPath: root) }
    let libraries = PrebuiltLibraries(
      store: PrebuiltStore(directory: root + "/prebuilt", maxBytes: 1_000_000),
      runner: SystemProcessRunner())
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
    try Data("compiled with other flags".utf8).write(to: URL(fileURLWithPath: other.steps[0].object))
    _ = try libraries.prepare([other])
    #expect(try Data(contentsOf: URL(fileURLWithPath: other.steps[0].object)) == Self.objects[0].data)

    // A damaged entry: reported, compiled again (missed), and its stamp gone from a new folder.
    let entry = libraries.store.entryPath(group.key)
    var bytes = try Data(contentsOf: URL(fileURLWithPath: entry))
    bytes[bytes.count - 1] ^= 0xff
    try bytes.write(to: URL(fileURLWithPath: entry))
    let third = Self.group(root + "/third", key: group.key)
    let damaged = try libraries.prepare([third])
    #expect(damaged.missed == [third] && damaged.damaged.count == 1)
  }
}
