import Foundation
import Testing

extension Tag {
  /// Boots QEMU, builds kernels, musl or OpenSSL, or needs the Debian source mirror
  /// (`scripts/debian-mirror.sh`): seconds to minutes each on two cores.
  /// The fast tier (`scripts/test.sh --fast`) leaves these out; the full suite runs them.
  @Tag public static var slow: Self
}

/// Which tiers this test run includes. `KRAFT_TEST_TIER=fast` leaves out the slow tier: `swift
/// test` 6.3 selects tests by name only (`--filter`/`--skip`), not by tag, so each slow suite
/// carries `.slowTier` beside its tag and says itself why it did not run.
public enum TestTier {
  public static let includesSlowTests = ProcessInfo.processInfo.environment["KRAFT_TEST_TIER"] != "fast"
}

extension Trait where Self == ConditionTrait {
  /// The condition each `.tags(.slow)` suite or test carries with its tag.
  public static var slowTier: Self {
    .enabled(
      if: TestTier.includesSlowTests,
      "slow tier (QEMU boots, kernel/musl/OpenSSL builds, the Debian mirror): KRAFT_TEST_TIER=fast leaves it out"
    )
  }
}
