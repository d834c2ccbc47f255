import KraftModel

/// The host side of the exit-status contract (docs/architecture.md, `Kernel/include/kraft/abi.h`):
/// turns what the virtual machine monitor reported into `kraft run`'s exit status.
public enum ExitStatusDecoder {
  /// `kraft run`'s status when the application aborted (V = 126).
  public static let abortStatus: Int32 = 134
  /// When the kernel crashed (V = 127).
  public static let crashStatus: Int32 = 139
  /// When QEMU failed or the VM stopped without reporting.
  public static let noReportStatus: Int32 = 125

  public struct Decoded: Hashable, Sendable {
    public var status: Int32
    /// Why, when it is not the application's own status.
    public var explanation: String?
  }

  /// From the byte V the guest reported (x86 isa-debug-exit after `(V << 1) | 1` is undone,
  /// arm64 semihosting, or Firecracker's status line).
  public static func decode(v: Int) -> Decoded {
    switch v {
    case 1...125: return Decoded(status: Int32(v - 1), explanation: nil)
    case 126: return Decoded(status: abortStatus, explanation: "the application aborted")
    case 127:
      return Decoded(status: crashStatus, explanation: "the unikernel crashed (see the report above)")
    default:
      return Decoded(
        status: noReportStatus, explanation: "the unikernel reported an invalid exit value \(v)")
    }
  }

  /// From QEMU's own exit status for an image of `architecture`.
  public static func decode(qemuStatus: Int32, architecture: Architecture) -> Decoded {
    switch architecture {
    case .x86_64:
      if qemuStatus == 0 {
        return Decoded(
          status: noReportStatus,
          explanation: "the virtual machine stopped without reporting a status (reset or triple fault)")
      }
      // isa-debug-exit: QEMU exits with (V << 1) | 1 and V is never 0, so 1 is QEMU itself.
      if qemuStatus & 1 == 1, qemuStatus > 1, qemuStatus <= 255 {
        return decode(v: Int(qemuStatus >> 1))
      }
    case .arm64:
      // Semihosting SYS_EXIT hands V through unchanged.
      if (1...127).contains(qemuStatus) { return decode(v: Int(qemuStatus)) }
      if qemuStatus == 0 {
        return Decoded(
          status: noReportStatus, explanation: "the virtual machine stopped without reporting a status")
      }
    }
    return Decoded(
      status: noReportStatus, explanation: "QEMU failed (exit status \(qemuStatus)); see its message above")
  }
}
