import Foundation
import KraftBasics
import Testing

/// A lock removed on unlock still excludes: whoever waited on the removed file opens the path
/// again, so two holders never believe they hold it at once.
@Suite struct FileLockTests {
  @Test func aLockRemovedOnUnlockStillExcludesTheNextHolders() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "kraft-lock-\(UUID().uuidString)"
    ).path
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let path = folder + "/key"
    let first = try FileLock(path: path, removedOnUnlock: true)
    let holders = Holders()
    for name in ["second", "third"] {
      Thread {
        guard let lock = try? FileLock(path: path, removedOnUnlock: true) else { return }
        holders.enter(name)
        usleep(100_000)
        holders.leave(name)
        lock.unlock()
      }.start()
    }
    usleep(100_000)
    #expect(holders.entered == [])
    first.unlock()
    let deadline = Date().addingTimeInterval(10)
    while holders.entered.count < 2 && Date() < deadline { usleep(10_000) }
    while !holders.left && Date() < deadline { usleep(10_000) }
    #expect(holders.entered.count == 2)
    #expect(holders.mostAtOnce == 1)
    #expect(!FileManager.default.fileExists(atPath: path))
  }
}

/// Who held the lock, and how many at once, behind a lock of its own.
private final class Holders: @unchecked Sendable {
  private let lock = NSLock()
  private var inside = 0
  private var most = 0
  private var names: [String] = []
  private var out = 0

  var entered: [String] { lock.withLock { names } }
  var mostAtOnce: Int { lock.withLock { most } }
  var left: Bool { lock.withLock { out == 2 } }

  func enter(_ name: String) {
    lock.withLock {
      names.append(name)
      inside += 1
      most = max(most, inside)
    }
  }

  func leave(_ name: String) {
    lock.withLock {
      inside -= 1
      out += 1
    }
  }
}
