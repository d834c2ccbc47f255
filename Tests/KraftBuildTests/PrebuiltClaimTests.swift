import Foundation
import KraftBasics
import Testing

@testable import KraftBuild

/// A port the store missed is claimed by the build that compiles it: another build about to
/// compile the same key waits (and says so), then finds what the first stored.
@Suite struct PrebuiltClaimTests {
  @Test func aSecondClaimOfAKeyWaitsForTheFirstAndThenFindsItsObjects() throws {
    let root = try PrebuiltStoreTests.folder()
    defer { try? FileManager.default.removeItem(atPath: root) }
    let libraries = PrebuiltStoreTests.libraries(root)
    let group = PrebuiltStoreTests.group(root, key: String(repeating: "ab", count: 32))
    let other = PrebuiltStoreTests.group(root, key: String(repeating: "ef", count: 32))
    try FileManager.default.createDirectory(
      atPath: group.objectFolder + "/obj/musl/src", withIntermediateDirectories: true)

    let first = try libraries.claim([group], waiting: { _ in Issue.record("nothing held the key") })
    let second = SecondBuild()
    Thread {
      let claims = try? libraries.claim([other, group]) { waiting in
        second.update { $0.waited.append(waiting.key) }
      }
      second.update { $0.done = true }
      claims?.forEach { $0.unlock() }
    }.start()
    // The second build waits on the key the first holds (another key it gets at once).
    let deadline = Date().addingTimeInterval(10)
    while second.read(\.waited).isEmpty && Date() < deadline { usleep(10_000) }
    #expect(second.read(\.waited) == [group.key])
    #expect(!second.read(\.done))
    // The first stores its objects and lets go; the second then finds them.
    for object in PrebuiltStoreTests.objects {
      try object.data.write(to: URL(fileURLWithPath: group.objectFolder + "/" + object.path))
    }
    try libraries.store([group])
    first.forEach { $0.unlock() }
    while !second.read(\.done) && Date() < deadline { usleep(10_000) }
    #expect(second.read(\.done))
    #expect(try libraries.prepare([group]).reused == [group])
    // Released claims leave no files behind.
    #expect(try FileManager.default.contentsOfDirectory(atPath: libraries.store.directory + "/claims") == [])
  }
}

/// What the second build's thread saw, behind a lock.
private final class SecondBuild: @unchecked Sendable {
  struct State {
    var waited: [String] = []
    var done = false
  }
  private let lock = NSLock()
  private var state = State()

  func update(_ change: (inout State) -> Void) { lock.withLock { change(&state) } }
  func read<T>(_ field: KeyPath<State, T>) -> T { lock.withLock { state[keyPath: field] } }
}
