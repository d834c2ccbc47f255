import Foundation
import KraftBuild

/// Whether kraft itself would boot x86_64 images with KVM here: the decision of its acceleration
/// probe (KVM present, correct and not slower than TCG), cached in the tests' cache root like
/// any `kraft run`'s. Tests that also run under KVM are enabled on this.
enum KVMOnThisMachine {
  static let preferred: Bool = AccelerationProbe.forMachine(
    environment: ProcessInfo.processInfo.environment
  ).decide(for: .x86_64).useKVM
}
