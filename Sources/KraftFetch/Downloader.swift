import Foundation
import KraftBasics

#if canImport(Glibc)
  import Glibc
#endif

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// Copies the bytes at a URL into a local file and returns their sha256. An effect behind a
/// protocol so the fetch logic can be tested without a network.
public protocol Downloader: Sendable {
  func download(_ url: String, to path: String, progress: FetchProgress?) throws -> String
}

/// `http(s)://` through URLSession (curl underneath on Linux) and `file://` or plain paths
/// from disk. A connection that drops before the announced length is an error, so a partial
/// file never counts as a download.
public struct URLSessionDownloader: Downloader {
  public var fileSystem: any FileSystem

  public init(fileSystem: any FileSystem = LocalFileSystem()) { self.fileSystem = fileSystem }

  public func download(_ url: String, to path: String, progress: FetchProgress?) throws -> String {
    if let local = Self.localPath(url) {
      return try Self.copyLocal(local, url: url, to: path, progress: progress)
    }
    guard let target = URL(string: url), target.scheme == "http" || target.scheme == "https"
    else {
      throw FetchError.failed(
        "unsupported archive URL '\(url)'; use http://, https:// or file://")
    }
    // Written as it arrives, through a handle: a download can be larger than memory.
    guard (try? fileSystem.createFile(path, contents: Data(), permissions: 0o644)) != nil,
      let handle = FileHandle(forWritingAtPath: path)
    else { throw FetchError.failed("cannot create '\(path)'") }
    defer { try? handle.close() }
    let receiver = DownloadReceiver(handle: handle, progress: progress, label: url)
    let session = URLSession(configuration: .ephemeral, delegate: receiver, delegateQueue: nil)
    defer { session.finishTasksAndInvalidate() }
    session.dataTask(with: target).resume()
    receiver.finished.wait()
    if let error = receiver.error {
      throw FetchError.failed("downloading '\(url)' failed: \(error)")
    }
    if let status = receiver.statusCode, !(200..<300).contains(status) {
      throw FetchError.failed("downloading '\(url)' failed: HTTP status \(status)")
    }
    if let expected = receiver.expectedLength, expected >= 0, receiver.received != expected {
      throw FetchError.failed(
        "downloading '\(url)' failed: the connection closed after \(receiver.received) of "
          + "\(expected) bytes; try again")
    }
    return receiver.hasher.finalizeHex()
  }

  /// Copies a local archive (a `file://` mirror) while hashing it. Only a regular file is
  /// read: a folder, a FIFO or a device named by a mirror rule is refused before anything is
  /// read (a FIFO would otherwise block kraft forever), and a full disk is reported as such.
  static func copyLocal(_ local: String, url: String, to path: String, progress: FetchProgress?)
    throws -> String
  {
    let output = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard output >= 0 else {
      throw FetchError.failed("cannot create '\(path)': \(String(cString: strerror(errno)))")
    }
    defer { close(output) }
    var hasher = SHA256()
    var copied: Int64 = 0
    do {
      try RegularFile.read(local) { piece in
        hasher.update(piece)
        try writeAll(piece, to: output, path: path)
        copied += Int64(piece.count)
        progress?.report(url, objects: nil, bytes: copied, totalBytes: nil)
      }
    } catch let problem as RegularFile.Problem {
      throw FetchError.failed(message(problem, local: local, url: url))
    }
    return hasher.finalizeHex()
  }

  static func message(_ problem: RegularFile.Problem, local: String, url: String) -> String {
    let fix =
      "a mirror rule maps a URL prefix to a folder, and the rest of the URL must name an "
      + "archive file in it: check 'KRAFT_MIRRORS' and the mirrors file"
    switch problem {
    case .missing: return "'\(url)' does not exist; check the URL or the mirror"
    case .isFolder: return "'\(local)' is a folder, not an archive; " + fix
    case .notRegular(let kind):
      return "'\(local)' is \(kind), not an archive file; kraft reads only regular files: " + fix
    case .unreadable(let reason): return "cannot read '\(local)': \(reason); check its permissions"
    case .changed: return "'\(local)' changed while it was read; try again"
    }
  }

  private static func writeAll(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32, path: String)
    throws
  {
    var offset = 0
    while offset < bytes.count {
      let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
      if written < 0 {
        if errno == EINTR { continue }
        if errno == ENOSPC || errno == EDQUOT {
          throw FetchError(
            .outputFailed,
            "no space left on the device while writing '\(path)'; free space in the source "
              + "cache (or point 'KRAFT_CACHE_DIR' at a larger disk) and fetch again")
        }
        throw FetchError.failed("cannot write '\(path)': \(String(cString: strerror(errno)))")
      }
      offset += written
    }
  }

  /// `file:///x` and plain absolute paths read from disk.
  static func localPath(_ url: String) -> String? {
    if url.hasPrefix("file://") {
      return URL(string: url)?.path ?? String(url.dropFirst("file://".count))
    }
    return url.hasPrefix("/") ? url : nil
  }
}

/// Streams the body to disk while hashing it. Callbacks arrive on URLSession's own queue;
/// the downloading thread reads the fields only after `finished` is signalled.
private final class DownloadReceiver: NSObject, URLSessionDataDelegate, @unchecked Sendable {
  let handle: FileHandle
  let progress: FetchProgress?
  let label: String
  let finished = DispatchSemaphore(value: 0)
  var hasher = SHA256()
  var received: Int64 = 0
  var expectedLength: Int64?
  var statusCode: Int?
  var error: String?

  init(handle: FileHandle, progress: FetchProgress?, label: String) {
    self.handle = handle
    self.progress = progress
    self.label = label
  }

  func urlSession(
    _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
  ) {
    statusCode = (response as? HTTPURLResponse)?.statusCode
    expectedLength = response.expectedContentLength
    completionHandler(.allow)
  }

  func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
    handle.write(data)
    data.withUnsafeBytes { hasher.update($0) }
    received += Int64(data.count)
    progress?.report(label, objects: nil, bytes: received, totalBytes: expectedLength)
  }

  func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
    if let error { self.error = error.localizedDescription }
    finished.signal()
  }
}
