import Foundation
import Testing

/// The musl examples and the libc conformance image on qemu/arm64 (QEMU TCG `virt`): the
/// aarch64 patches (0003, 0004), the binary128 long double routines from the cross libgcc,
/// and the initrd named in the device tree's /chosen. Built once, like the x86_64 suite.
@Suite(.serialized) struct MuslArm64BootTests {
  static func ran(_ program: String) throws -> KraftProcess.Result {
    try MuslPrograms.ran(program, in: MuslPrograms.arm64)
  }

  @Test func stdioAndMallocAtScale() throws {
    let run = try Self.ran("examples/musl-stdio")
    #expect(run.status == 0, "\(run.output)")
    #expect(run.stdout.contains("allocated 20000 blocks"))
    #expect(run.stdout.contains("stdio: ok"))
  }

  @Test func pthreadWorkersWithMutexAndCondvar() throws {
    // __clone, __unmapself and __set_thread_area go through the kernel (patch 0004).
    let run = try Self.ran("examples/musl-pthread")
    #expect(run.status == 0, "\(run.output)")
    #expect(run.stdout.contains("counter = 80000 (want 80000)"))
    #expect(run.stdout.contains("consumer sum = 5050 (want 5050)"))
    #expect(run.stdout.contains("pthread: ok"))
  }

  @Test func floatingPointPrintfUsesBinary128LongDouble() throws {
    // printf and strtod compute in long double, binary128 on aarch64 (libgcc's __addtf3...).
    let run = try Self.ran("examples/musl-numbers")
    #expect(run.status == 0, "\(run.output)")
    #expect(run.stdout.contains("pi is about 3.141593, e is about 2.71828"))
    #expect(run.stdout.contains("numbers: ok"))
  }

  @Test func timeAndNanosleep() throws {
    let run = try Self.ran("examples/musl-time")
    #expect(run.status == 0, "\(run.output)")
    #expect(run.stdout.contains("took at least 0.2 s: yes"))
    #expect(run.stdout.contains("time: ok"))
  }

  @Test func getenvSeesTheKraftfilesEnv() throws {
    let run = try Self.ran("examples/musl-env")
    #expect(run.status == 0, "\(run.output)")
    #expect(run.stdout.contains("GREETING=hello from the Kraftfile"))
    #expect(run.stdout.contains("env: ok"))
  }

  @Test func readsFilesFromTheRootfsInitrd() throws {
    // The initrd reaches the kernel through /chosen linux,initrd-start/-end.
    let run = try Self.ran("examples/musl-rootfs")
    #expect(run.status == 0, "\(run.output)")
    #expect(run.stdout.contains("motd: This file came from the rootfs."))
    #expect(run.stdout.contains("rootfs: ok"))
  }

  @Test func conformanceChecksAllPass() throws {
    let run = try Self.ran("Tests/Images/libc-conformance")
    #expect(run.status == 0, "\(run.output)")
    let summary = try #require(
      run.stdout.split(separator: "\n").last { $0.hasSuffix(" failed") }, "no summary line")
    let numbers = summary.split(separator: " ").compactMap { Int($0) }
    #expect(numbers.count == 2 && numbers[0] >= 150 && numbers[1] == 0, "summary: \(summary)")
    #expect(!run.stdout.contains("\nFAIL "))
  }

  @Test func unimplementedSystemCallUsesAarch64Numbers() throws {
    // fanotify_init is 262 on aarch64 (300 on x86_64): musl passes its own arch's numbers.
    let run = try Self.ran("Tests/Images/libc-conformance")
    #expect(run.stdout.contains("PASS unimplemented syscall ENOSYS"))
    let logged = run.output.components(separatedBy: "syscall 'fanotify_init' (262) is not implemented")
    #expect(logged.count - 1 == 1, "\(run.output)")
  }
}
