import Foundation
import Testing

@testable import KraftFetch

/// A mirror rule or the mirrors file naming something that is not a regular file: a clear
/// error at once, never a hang on a FIFO, never a folder copied as if it were an archive.
@Suite struct MirrorFileTypeTests {
  /// Runs `body` on another thread; if it has not returned after `seconds` (it blocks on a
  /// FIFO), the FIFO is opened for writing to release it and the test fails.
  func finishes(unblocking fifo: String, within seconds: Double = 10, _ body: @escaping @Sendable () -> Void)
    -> Bool
  {
    let done = DispatchSemaphore(value: 0)
    Thread.detachNewThread {
      body()
      done.signal()
    }
    if done.wait(timeout: .now() + seconds) == .success { return true }
    let writer = open(fifo, O_WRONLY | O_NONBLOCK)
    if writer >= 0 { close(writer) }
    done.wait()
    return false
  }

  @Test func aMirrorPathThatIsAFolderIsRefused() throws {
    let folder = try TestScratch.make("mirror-folder")
    try FileManager.default.createDirectory(
      atPath: folder + "/mirror/musl-1.2.3.tar.gz", withIntermediateDirectories: true)
    let error = fetchError {
      _ = try URLSessionDownloader().download(
        "file://" + folder + "/mirror/musl-1.2.3.tar.gz", to: folder + "/out", progress: nil)
    }
    #expect(error?.kind == .fetchFailed)
    #expect(error?.message.contains("is a folder, not an archive") == true)
    #expect(error?.message.contains("'KRAFT_MIRRORS'") == true)
  }

  @Test func aFIFOAsTheMirrorFileIsRefusedWithoutBlocking() throws {
    let folder = try TestScratch.make("mirror-fifo")
    let fifo = folder + "/musl-1.2.3.tar.gz"
    #expect(mkfifo(fifo, 0o644) == 0)
    let result = FetchErrorBox()
    let finished = finishes(unblocking: fifo) {
      result.error = fetchError {
        _ = try URLSessionDownloader().download("file://" + fifo, to: folder + "/out", progress: nil)
      }
    }
    #expect(finished, "reading the FIFO blocked")
    #expect(result.error?.message.contains("is a FIFO (named pipe), not an archive file") == true)
  }

  @Test func aMirrorsFileThatIsAFIFOOrAFolderIsAnError() throws {
    let folder = try TestScratch.make("mirror-config")
    try FileManager.default.createDirectory(atPath: folder + "/kraft", withIntermediateDirectories: true)
    let fifo = folder + "/kraft/mirrors.yaml"
    #expect(mkfifo(fifo, 0o644) == 0)
    let result = FetchErrorBox()
    let finished = finishes(unblocking: fifo) {
      result.error = fetchError { _ = try MirrorConfig.load(environment: ["XDG_CONFIG_HOME": folder]) }
    }
    #expect(finished, "reading the mirrors file blocked")
    #expect(result.error?.message.contains("'\(fifo)' is a FIFO (named pipe)") == true)

    unlink(fifo)
    try FileManager.default.createDirectory(atPath: fifo, withIntermediateDirectories: true)
    let error = fetchError { _ = try MirrorConfig.load(environment: ["XDG_CONFIG_HOME": folder]) }
    #expect(error?.kind == .invalidInput)
    #expect(error?.message.contains("is a folder") == true)
  }

  @Test func aRegularMirrorFileIsCopiedAndHashed() throws {
    let folder = try TestScratch.make("mirror-file")
    try TestScratch.write("archive bytes\n", to: folder + "/a.tar.gz")
    let hash = try URLSessionDownloader().download(
      "file://" + folder + "/a.tar.gz", to: folder + "/out", progress: nil)
    #expect(try String(contentsOfFile: folder + "/out", encoding: .utf8) == "archive bytes\n")
    #expect(hash == (try TreeHash.hashFile(folder + "/a.tar.gz")))
  }
}

/// Written by the worker thread before it signals, read after the wait.
private final class FetchErrorBox: @unchecked Sendable {
  var error: FetchError?
}
