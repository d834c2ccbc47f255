import Foundation

/// A value made once per test process by blocking work (copying a project, `kraft build`, QEMU
/// boots) and shared by the tests that need it.
///
/// The work runs on a thread of its own, never on Swift Testing's cooperative pool: that pool
/// has one thread per core, and a fixture built inside a static initialiser held one of them
/// for minutes while every other test touching it waited in the initialiser too, so on two
/// cores the whole run stood still behind two builds. Here a test awaiting a fixture gives its
/// thread back, and other tests run meanwhile. At most `FixtureThreads.width` fixtures are
/// built at once, as before (each is itself a parallel `kraft build`).
///
/// Made lazily: a `static let` of this type starts its work when first touched. A failure is
/// kept and rethrown to every test that awaits the value, like the `Result` it replaces.
public final class SharedFixture<Value: Sendable>: Sendable {
  private let work: Task<Value, any Error>

  public init(_ make: @escaping @Sendable () throws -> Value) {
    work = Task { try await FixtureThreads.run(make) }
  }

  /// A fixture that starts from another one's value once that is ready (a second build that
  /// reuses the first one's project or cache).
  public init<Input: Sendable>(
    after input: SharedFixture<Input>, _ make: @escaping @Sendable (Input) throws -> Value
  ) {
    work = Task {
      let ready = try await input.value
      return try await FixtureThreads.run { try make(ready) }
    }
  }

  public var value: Value {
    get async throws { try await work.value }
  }
}

/// Dedicated threads for fixture work, `width` at a time.
enum FixtureThreads {
  static let width = max(2, ProcessInfo.processInfo.activeProcessorCount)
  private static let slots = DispatchSemaphore(value: width)

  static func run<Value: Sendable>(_ make: @escaping @Sendable () throws -> Value) async throws -> Value {
    try await withCheckedThrowingContinuation { continuation in
      Thread {
        slots.wait()
        defer { slots.signal() }
        continuation.resume(with: Result(catching: make))
      }.start()
    }
  }
}
