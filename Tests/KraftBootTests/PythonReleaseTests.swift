import Foundation
import KraftTestSupport
import Testing

/// Issue 16: the release build of a Python image is the same bytes in two build folders.
///
/// PythonBootTests' template project is built with `kraft build --release` (locked, with its
/// checks and regression tests in the rootfs). Once that fixture is done, the project is
/// copied (without its outputs) to a deeper folder of another name and built again with
/// `--release`: release compile commands name no host folder, so the copy's build is answered
/// by the compile cache in full and costs one link and one pack, and its image, `.dbg` and
/// initrd must be the bytes the template's folder holds.
final class PythonReleasePair: @unchecked Sendable {
  static let image = "app_qemu-x86_64"
  let first: URL
  let second: URL
  var secondBuild: KraftProcess.Result?
  var secondSeconds: TimeInterval = 0
  var secondRun: KraftProcess.Result?

  static let shared = SharedFixture(after: PythonProject.shared) { try PythonReleasePair(template: $0) }

  init(template: PythonProject) throws {
    first = template.project
    second = template.root.appendingPathComponent("elsewhere/much/deeper/renamed-app")
    guard template.build.status == 0, template.regressionBuild?.status == 0 else { return }
    let kernel = ["KRAFT_KERNEL_DIR": PythonProject.repository.appendingPathComponent("Kernel").path]
    try FileManager.default.createDirectory(
      at: second.deletingLastPathComponent(), withIntermediateDirectories: true)
    try FileManager.default.copyItem(at: first, to: second)
    try FileManager.default.removeItem(at: second.appendingPathComponent(".unikraft"))
    let start = Date()
    secondBuild = try KraftProcess.run(
      ["build", "--release", "-t", "qemu/x86_64"], in: second, environment: kernel, timeout: 5400)
    secondSeconds = Date().timeIntervalSince(start)
    guard secondBuild?.status == 0 else { return }
    secondRun = try KraftProcess.run(
      ["run", "-t", "qemu/x86_64", "--timeout", "300"], in: second, environment: kernel, timeout: 400)
  }

  func output(_ folder: URL, _ name: String) -> URL {
    folder.appendingPathComponent(".unikraft/build/\(name)")
  }

  /// Both builds, or the first failure's output.
  static func built() async throws -> PythonReleasePair {
    let template = try await PythonProject.shared.value
    try #require(template.build.status == 0, "kraft build --release (template):\n\(template.build.output)")
    let regression = try #require(template.regressionBuild)
    try #require(regression.status == 0, "kraft build --release (template):\n\(regression.output)")
    let pair = try await shared.value
    let second = try #require(pair.secondBuild)
    try #require(second.status == 0, "kraft build --release (second folder):\n\(second.output)")
    print("python release build of the copied folder: \(Int(pair.secondSeconds)) s")
    return pair
  }
}

@Suite(.tags(.slow), .slowTier) struct PythonReleaseTests {
  @Test func theReleaseImageAndInitrdAreTheSameBytesInTwoFolders() async throws {
    let pair = try await PythonReleasePair.built()
    for name in [PythonReleasePair.image, PythonReleasePair.image + ".dbg", "app.initrd"] {
      let one = try Data(contentsOf: pair.output(pair.first, name))
      let other = try Data(contentsOf: pair.output(pair.second, name))
      #expect(!one.isEmpty, "\(name) is empty")
      #expect(one == other, "\(name) differs between the two folders (\(one.count) and \(other.count) bytes)")
    }
  }

  /// Release compile commands name no host folder, so the copy compiles nothing itself: each
  /// compile is a compile-cache hit, or its port's objects are reused whole from the prebuilt
  /// store (`reused python3 (N objects)`).
  @Test func theSecondFolderIsAnsweredByTheCompileCache() async throws {
    let pair = try await PythonReleasePair.built()
    let output = try #require(pair.secondBuild).output
    let summary = try #require(
      output.firstMatch(of: /compiled (\d+) files \(cached (\d+),[^\n]*/), "no build summary:\n\(output)")
    let reusedObjects = summary.0.matches(of: /\((\d+) objects\)/).compactMap { Int($0.1) }.reduce(0, +)
    #expect(
      (Int(summary.1) ?? 0) + reusedObjects > 1000,
      "CPython is more than a thousand compilations: \(summary.0)")
    #expect(summary.1 == summary.2, "\(summary.0)")
  }

  @Test func theReleaseImageRunsTheScript() async throws {
    let pair = try await PythonReleasePair.built()
    let run = try #require(pair.secondRun)
    #expect(run.status == 0, "\(run.output)")
    #expect(run.stdout.contains("Hello from Python 3.11.2 on linux!"), "\(run.output)")
  }
}
