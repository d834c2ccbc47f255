import Foundation
import KraftTestSupport
import Testing

/// A release whose rootfs has an empty folder (`tmp/`) verifies: the copy `kraft verify`
/// rebuilds from keeps empty folders. Without it, the initrd differs and verify names both
/// the missing input and the rootfs entry.
@Suite(.tags(.slow), .slowTier) struct VerifyRootfsTests {
  @Test func emptyRootfsFolderVerifiesAndItsAbsenceIsNamed() throws {
    let scratch = try ScratchProject(copying: "examples/helloworld")
    let rootfs = scratch.url.appendingPathComponent("rootfs")
    try FileManager.default.createDirectory(
      at: rootfs.appendingPathComponent("tmp"), withIntermediateDirectories: true)
    try FileManager.default.createDirectory(
      at: rootfs.appendingPathComponent("etc"), withIntermediateDirectories: true)
    try "hello\n".write(to: rootfs.appendingPathComponent("etc/motd"), atomically: true, encoding: .utf8)
    let kraftfile = scratch.url.appendingPathComponent("Kraftfile")
    try (try String(contentsOf: kraftfile, encoding: .utf8) + "\nrootfs: ./rootfs\n")
      .write(to: kraftfile, atomically: true, encoding: .utf8)

    let build = try KraftProcess.run(["build", "--release", "-t", "qemu/x86_64"], in: scratch.url)
    #expect(build.status == 0, "kraft build --release:\n\(build.output)")
    let manifest = ".unikraft/build/helloworld_qemu-x86_64.release.json"
    let verify = try KraftProcess.run(["verify", manifest], in: scratch.url)
    #expect(verify.status == 0, "kraft verify:\n\(verify.output)")
    #expect(verify.stdout.contains("identical: helloworld.initrd"), "\(verify.output)")

    try FileManager.default.removeItem(at: rootfs.appendingPathComponent("tmp"))
    let changed = try KraftProcess.run(["verify", manifest], in: scratch.url)
    #expect(changed.status == 76, "kraft verify:\n\(changed.output)")
    #expect(changed.stderr.contains("input 'rootfs/tmp/' is missing from the project"), "\(changed.output)")
    #expect(
      changed.stderr.contains("rootfs folder 'tmp' is in the released initrd but not in the rebuilt one"),
      "\(changed.output)")
  }
}
