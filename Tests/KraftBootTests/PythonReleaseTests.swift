import Foundation
import KraftTestSupport
import Testing

/// Issue 16: the release build of a Python image is the same bytes in two build folders.
///
/// One `kraft init --template python` project, locked (a project with ports needs a complete
/// lock for a release), copied to a deeper folder of another name, and built with
/// `kraft build --release -t qemu/x86_64` in both. The first build compiles CPython (unless
/// the compile cache already holds its release objects); release compile commands name no
/// host folder, so the second folder's build is answered by the compile cache in full and
/// costs one link and one pack: that is the cheap part of the check, and it is checked too.
final class PythonReleasePair: @unchecked Sendable {
  static let image = "app_qemu-x86_64"
  let first: URL
  let second: URL
  let lock: KraftProcess.Result
  var firstBuild: KraftProcess.Result?
  var secondBuild: KraftProcess.Result?
  var firstSeconds: TimeInterval = 0
  var secondSeconds: TimeInterval = 0
  var secondRun: KraftProcess.Result?

  static let shared = SharedFixture { try PythonReleasePair() }

  init() throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent(
      "kraft-python-release-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    let kernel = ["KRAFT_KERNEL_DIR": PythonProject.repository.appendingPathComponent("Kernel").path]
    first = root.appendingPathComponent("app")
    second = root.appendingPathComponent("elsewhere/much/deeper/renamed-app")
    let created = try KraftProcess.run(
      ["init", "--template", "python", "app"], in: root, environment: kernel)
    guard created.status == 0 else {
      lock = created
      return
    }
    lock = try KraftProcess.run(["lock"], in: first, environment: kernel, timeout: 900)
    guard lock.status == 0 else { return }
    try FileManager.default.createDirectory(
      at: second.deletingLastPathComponent(), withIntermediateDirectories: true)
    try FileManager.default.copyItem(at: first, to: second)

    for (folder, isFirst) in [(first, true), (second, false)] {
      let start = Date()
      let build = try KraftProcess.run(
        ["build", "--release", "-t", "qemu/x86_64"], in: folder, environment: kernel, timeout: 5400)
      let seconds = Date().timeIntervalSince(start)
      if isFirst {
        (firstBuild, firstSeconds) = (build, seconds)
        guard build.status == 0 else { return }
      } else {
        (secondBuild, secondSeconds) = (build, seconds)
      }
    }
    guard secondBuild?.status == 0 else { return }
    secondRun = try KraftProcess.run(
      ["run", "-t", "qemu/x86_64", "--timeout", "300"], in: second, environment: kernel, timeout: 400)
  }

  func output(_ folder: URL, _ name: String) -> URL {
    folder.appendingPathComponent(".unikraft/build/\(name)")
  }

  /// Both builds, or the first failure's output.
  static func built() async throws -> PythonReleasePair {
    let pair = try await shared.value
    try #require(pair.lock.status == 0, "kraft init / kraft lock:\n\(pair.lock.output)")
    let first = try #require(pair.firstBuild)
    try #require(first.status == 0, "kraft build --release (first folder):\n\(first.output)")
    let second = try #require(pair.secondBuild)
    try #require(second.status == 0, "kraft build --release (second folder):\n\(second.output)")
    print(
      "python release builds: first folder \(Int(pair.firstSeconds)) s, second folder "
        + "\(Int(pair.secondSeconds)) s")
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

  /// Release compile commands name no host folder, so the copy compiles nothing itself.
  @Test func theSecondFolderIsAnsweredByTheCompileCache() async throws {
    let pair = try await PythonReleasePair.built()
    let output = try #require(pair.secondBuild).output
    let summary = try #require(
      output.firstMatch(of: /compiled (\d+) files \(cached (\d+),/), "no build summary:\n\(output)")
    #expect(Int(summary.1) ?? 0 > 1000, "CPython is more than a thousand compilations: \(summary.0)")
    #expect(summary.1 == summary.2, "\(summary.0)")
  }

  @Test func theReleaseImageRunsTheScript() async throws {
    let pair = try await PythonReleasePair.built()
    let run = try #require(pair.secondRun)
    #expect(run.status == 0, "\(run.output)")
    #expect(run.stdout.contains("Hello from Python 3.11.2 on linux!"), "\(run.output)")
  }
}
