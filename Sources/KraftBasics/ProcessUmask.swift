import Foundation

/// kraft often runs as root on shared build machines, and some run everything under umask 000
/// (CI runners do). Every file kraft and the tools it starts (configure scripts, ccache, ninja,
/// QEMU) create would then be writable by every user, who could change what kraft builds or
/// boots. kraft therefore never lets group or others write what it creates; a stricter umask
/// (077) is kept as it is.
public enum ProcessUmask {
  /// Adds 022 to the process's umask (inherited by every child process).
  public static func withholdWriteFromOthers() {
    let current = umask(0o022)
    umask(current | 0o022)
  }
}
