import Foundation
import KraftBasics
import KraftFetch
import KraftModel

#if canImport(Glibc)
  import Glibc
#endif

/// Whether `kraft run` uses KVM.
public struct AccelerationDecision: Hashable, Sendable {
  public var useKVM: Bool
  /// One line for the user when KVM is not used although the guest could use it.
  public var note: String?

  public init(useKVM: Bool, note: String?) {
    self.useKVM = useKVM
    self.note = note
  }
}

/// What the probe measured on this machine, cached under `key` (host, kernel, QEMU).
public struct AccelerationVerdict: Hashable, Sendable, Codable {
  public var key: String
  /// The probe's loop finished under KVM with the expected status.
  public var kvmWorks: Bool
  /// Wall-clock seconds of the probe VM under each accelerator (nil: did not finish).
  public var kvmSeconds: Double?
  public var tcgSeconds: Double
  /// Why KVM is not used, when it is not.
  public var problem: String?

  public init(key: String, kvmWorks: Bool, kvmSeconds: Double?, tcgSeconds: Double, problem: String?) {
    self.key = key
    self.kvmWorks = kvmWorks
    self.kvmSeconds = kvmSeconds
    self.tcgSeconds = tcgSeconds
    self.problem = problem
  }

  /// KVM only when it ran the probe correctly and not slower than TCG (nested KVM can be far
  /// slower: shared/NOTES.md).
  public var prefersKVM: Bool {
    guard kvmWorks, let kvmSeconds else { return false }
    return kvmSeconds <= tcgSeconds
  }
}

/// kraftkit uses KVM whenever `/dev/kvm` is there; kraft also checks that it helps. A tiny VM
/// (a counting loop at the x86 reset vector, then a write to the exit port) runs once under
/// TCG and once under KVM; KVM becomes the default only when it finishes correctly and not
/// slower. The verdict is cached per machine, keyed by host name, kernel release and the QEMU
/// binary, so the probe runs once, not on every `kraft run`.
public struct AccelerationProbe: Sendable {
  /// The architecture KVM can run here (the host's), or nil when there is no probe for it.
  public var hostArchitecture: Architecture?
  public var kvmUsable: @Sendable () -> Bool
  /// nil: no cache (every decision probes).
  public var cachePath: String?
  public var key: @Sendable () -> String
  public var measure: @Sendable (_ key: String) throws -> AccelerationVerdict
  /// Holds the verdict cache.
  public var fileSystem: any FileSystem = LocalFileSystem()

  public init(
    hostArchitecture: Architecture?, kvmUsable: @escaping @Sendable () -> Bool, cachePath: String?,
    key: @escaping @Sendable () -> String,
    measure: @escaping @Sendable (_ key: String) throws -> AccelerationVerdict
  ) {
    self.hostArchitecture = hostArchitecture
    self.kvmUsable = kvmUsable
    self.cachePath = cachePath
    self.key = key
    self.measure = measure
  }

  public func decide(for guest: Architecture) -> AccelerationDecision {
    // KVM runs the host's architecture only; emulating another one is expected, not news.
    guard guest == hostArchitecture else { return AccelerationDecision(useKVM: false, note: nil) }
    guard kvmUsable() else {
      return AccelerationDecision(
        useKVM: false, note: "KVM is not available (/dev/kvm cannot be opened); emulating with TCG")
    }
    let key = key()
    let verdict: AccelerationVerdict
    if let cached = cached(key) {
      verdict = cached
    } else {
      do {
        verdict = try measure(key)
      } catch {
        return AccelerationDecision(
          useKVM: false, note: "could not probe KVM (\(error)); emulating with TCG (--kvm forces KVM)")
      }
      save(verdict)
    }
    if verdict.prefersKVM { return AccelerationDecision(useKVM: true, note: nil) }
    return AccelerationDecision(
      useKVM: false,
      note: "emulating with TCG: \(verdict.problem ?? "KVM is slower than TCG here") (--kvm forces KVM)")
  }

  func cached(_ key: String) -> AccelerationVerdict? {
    guard let cachePath, let data = try? fileSystem.readData(cachePath),
      let verdict = try? JSONDecoder().decode(AccelerationVerdict.self, from: data), verdict.key == key
    else { return nil }
    return verdict
  }

  func save(_ verdict: AccelerationVerdict) {
    guard let cachePath, let data = try? JSONEncoder().encode(verdict) else { return }
    // A cache that cannot be written only means probing again next time.
    try? fileSystem.writeData(data, to: cachePath)
  }

  /// The real probe for this machine, its verdict cached in kraft's cache folder.
  public static func forMachine(environment: [String: String]) -> AccelerationProbe {
    let locator = ExecutableLocator()
    #if arch(x86_64)
      let host: Architecture? = .x86_64
    #else
      let host: Architecture? = nil
    #endif
    return AccelerationProbe(
      hostArchitecture: host,
      kvmUsable: { access("/dev/kvm", R_OK | W_OK) == 0 },
      cachePath: SourceCache.defaultRoot(environment: environment) + "/acceleration-probe.json",
      key: { machineKey(qemu: locator.find("qemu-system-x86_64")) },
      measure: { key in
        guard let qemu = locator.find("qemu-system-x86_64") else {
          throw MissingToolError(
            tool: "qemu-system-x86_64", package: "qemu-system-x86", purpose: "to boot x86_64 images")
        }
        return try ResetVectorProbe(qemu: qemu).measure(key: key)
      })
  }

  /// Host name, kernel release, and the QEMU binary's path, size and modification time
  /// (Foundation's attributes: `FileStatus` carries no times, and only this key needs one).
  static func machineKey(qemu: String?) -> String {
    var names = utsname()
    uname(&names)
    var qemuPart = "none"
    if let qemu, let attributes = try? FileManager.default.attributesOfItem(atPath: qemu) {
      let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
      let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
      qemuPart = "\(qemu):\(size):\(Int(modified))"
    }
    return "host=\(cString(names.nodename)) kernel=\(cString(names.release)) qemu=\(qemuPart)"
  }
}

/// A NUL-terminated C character array (a `utsname` field) as a String.
private func cString<Field>(_ field: Field) -> String {
  withUnsafeBytes(of: field) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
}

/// The probe VM: 64 KiB of firmware whose reset vector jumps to a loop of `iterations`
/// decrements, then writes 1 to the isa-debug-exit port (QEMU exits with 3).
struct ResetVectorProbe {
  var qemu: String
  var iterations: UInt32 = 10_000_000
  var fileSystem: any FileSystem = LocalFileSystem()

  func firmware() -> [UInt8] {
    var image = [UInt8](repeating: 0xf4, count: 0x10000)  // hlt everywhere else
    let n = withUnsafeBytes(of: iterations.littleEndian, Array.init)
    let loop: [UInt8] =
      [0x66, 0xb9] + n  // mov ecx, iterations
      + [0x66, 0x49, 0x75, 0xfc]  // again: dec ecx; jnz again
      + [0xb0, 0x01, 0xe6, 0xf4]  // mov al, 1; out 0xf4, al
      + [0xf4, 0xeb, 0xfd]  // hlt; jmp back to hlt
    image.replaceSubrange(0xff00..<(0xff00 + loop.count), with: loop)
    // At the reset vector (F000:FFF0): jmp near 0xff00.
    image.replaceSubrange(0xfff0..<0xfff3, with: [0xe9, 0x0d, 0xff])
    return image
  }

  func command(firmware path: String, accelerator: String) -> ProcessCommand {
    ProcessCommand(
      qemu,
      [
        "-M", "pc", "-accel", accelerator, "-bios", path, "-display", "none", "-serial", "none",
        "-monitor", "none", "-nic", "none", "-no-reboot", "-m", "16", "-device",
        "isa-debug-exit,iobase=0xf4,iosize=0x01",
      ])
  }

  func measure(key: String) throws -> AccelerationVerdict {
    let path = NSTemporaryDirectory() + "kraft-probe-\(getpid()).bin"
    try fileSystem.writeData(Data(firmware()), to: path)
    defer { try? fileSystem.remove(path) }
    let tcg = try time(command(firmware: path, accelerator: "tcg"), limit: 30)
    guard let tcgSeconds = tcg.seconds else {
      throw RunFailure(message: "the TCG probe VM did not finish (QEMU status \(tcg.status))")
    }
    // KVM gets three times TCG's time (at least 2 s) before it counts as slower.
    let kvm = try time(
      command(firmware: path, accelerator: "kvm"), limit: max(2, Int((tcgSeconds * 3).rounded(.up))))
    let problem: String?
    if kvm.seconds == nil {
      problem = kvm.timedOut ? "KVM is much slower than TCG here" : "KVM failed (QEMU status \(kvm.status))"
    } else if kvm.seconds! > tcgSeconds {
      problem = "KVM is slower than TCG here"
    } else {
      problem = nil
    }
    return AccelerationVerdict(
      key: key, kvmWorks: kvm.seconds != nil, kvmSeconds: kvm.seconds, tcgSeconds: tcgSeconds,
      problem: problem)
  }

  /// Seconds when QEMU exited with the probe's status 3 within `limit`, else nil.
  func time(_ command: ProcessCommand, limit: Int) throws -> (
    seconds: Double?, status: Int32, timedOut: Bool
  ) {
    let start = TiedMonitorRunner.now()
    let exit = try TiedMonitorRunner(gracePeriod: 1).run(command, timeout: limit) { _ in }
    let seconds = TiedMonitorRunner.now() - start
    return (exit.status == 3 && !exit.timedOut ? seconds : nil, exit.status, exit.timedOut)
  }
}
