import CLibCurl
import Foundation

/// `HTTPTransport` over libcurl's easy interface: one blocking request per call, which is all
/// the registry client needs (it pushes and pulls one blob at a time). Redirects are not
/// followed here: the client follows them itself so it can drop credentials when a blob is
/// served from another host (a registry's storage backend).
public struct CurlTransport: HTTPTransport {
  public var tls: TLSPolicy
  /// A response body larger than this is refused rather than held in memory.
  public var maximumBodySize: Int

  public init(tls: TLSPolicy = TLSPolicy(), maximumBodySize: Int = 1 << 31) {
    self.tls = tls
    self.maximumBodySize = maximumBodySize
  }

  private static let globalInit: Bool = {
    kraft_curl_global_init() == CURLE_OK
  }()

  public func send(_ request: HTTPRequest) throws -> HTTPResponse {
    guard Self.globalInit, let handle = curl_easy_init() else {
      throw HTTPTransportError(.connection, "libcurl could not be initialised")
    }
    defer { curl_easy_cleanup(handle) }
    let sink = ResponseSink(limit: maximumBodySize)
    let context = Unmanaged.passRetained(sink)
    defer { context.release() }

    var headerList: UnsafeMutablePointer<curl_slist>? = nil
    // curl sends `Expect: 100-continue` for large bodies; registries do not need the round trip.
    for line in request.headers.map({ "\($0.name): \($0.value)" }) + ["Expect:"] {
      headerList = curl_slist_append(headerList, line)
    }
    defer { curl_slist_free_all(headerList) }

    // Strings handed to setopt are copied by libcurl; the body is not, so it stays alive
    // (and pinned) for the whole perform below.
    let body = request.body ?? Data()
    let result: CURLcode = body.withUnsafeBytes { bodyBytes in
      _ = kraft_curl_set_string(handle, CURLOPT_URL, request.url)
      _ = kraft_curl_set_long(handle, CURLOPT_NOSIGNAL, 1)
      _ = kraft_curl_set_long(handle, CURLOPT_CONNECTTIMEOUT, 30)
      // A stalled transfer (under 1 byte/s for 60 s) fails instead of hanging forever.
      _ = kraft_curl_set_long(handle, CURLOPT_LOW_SPEED_LIMIT, 1)
      _ = kraft_curl_set_long(handle, CURLOPT_LOW_SPEED_TIME, 60)
      _ = kraft_curl_set_pointer(handle, CURLOPT_HTTPHEADER, headerList)
      _ = kraft_curl_set_string(handle, CURLOPT_USERAGENT, "kraft")
      if let caFile = tls.caFile { _ = kraft_curl_set_string(handle, CURLOPT_CAINFO, caFile) }
      if !tls.verifyPeer {
        _ = kraft_curl_set_long(handle, CURLOPT_SSL_VERIFYPEER, 0)
        _ = kraft_curl_set_long(handle, CURLOPT_SSL_VERIFYHOST, 0)
      }
      switch request.method {
      case "GET": break
      case "HEAD": _ = kraft_curl_set_long(handle, CURLOPT_NOBODY, 1)
      default:
        _ = kraft_curl_set_offset(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(bodyBytes.count))
        _ = kraft_curl_set_pointer(
          handle, CURLOPT_POSTFIELDS, bodyBytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1))
        if request.method != "POST" {
          _ = kraft_curl_set_string(handle, CURLOPT_CUSTOMREQUEST, request.method)
        }
      }
      _ = kraft_curl_set_callback(handle, CURLOPT_WRITEFUNCTION, curlWriteBody)
      _ = kraft_curl_set_pointer(handle, CURLOPT_WRITEDATA, context.toOpaque())
      _ = kraft_curl_set_callback(handle, CURLOPT_HEADERFUNCTION, curlWriteHeader)
      _ = kraft_curl_set_pointer(handle, CURLOPT_HEADERDATA, context.toOpaque())
      return curl_easy_perform(handle)
    }
    guard result == CURLE_OK else {
      let reason = String(cString: curl_easy_strerror(result))
      let what = "\(request.method) \(request.url): \(reason)"
      switch result {
      case CURLE_SSL_CONNECT_ERROR: throw HTTPTransportError(.tlsHandshake, what)
      case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM:
        throw HTTPTransportError(.certificate, what)
      case CURLE_WRITE_ERROR where sink.overflowed:
        throw HTTPTransportError(
          .tooLarge, "\(request.method) \(request.url): the response exceeds \(maximumBodySize) bytes")
      default: throw HTTPTransportError(.connection, what)
      }
    }
    var status = 0
    _ = kraft_curl_get_long(handle, CURLINFO_RESPONSE_CODE, &status)
    return HTTPResponse(status: status, headers: sink.headers, body: sink.body)
  }
}

/// What libcurl's callbacks fill in, reached through their context pointer (the callbacks run
/// on the calling thread, inside `curl_easy_perform`, and capture nothing).
private final class ResponseSink {
  let limit: Int
  var body = Data()
  var headers: [String: [String]] = [:]
  var overflowed = false

  init(limit: Int) { self.limit = limit }

  func addHeaderLine(_ line: String) {
    // A new status line (after `100 Continue` or a proxy's answer) starts the headers afresh.
    if line.hasPrefix("HTTP/") {
      headers = [:]
      return
    }
    guard let colon = line.firstIndex(of: ":") else { return }
    let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
    let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
    headers[name, default: []].append(value)
  }
}

private func curlWriteBody(
  _ buffer: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?
) -> Int {
  guard let buffer, let context else { return 0 }
  let sink = Unmanaged<ResponseSink>.fromOpaque(context).takeUnretainedValue()
  let length = size * count
  guard sink.body.count + length <= sink.limit else {
    sink.overflowed = true
    return 0
  }
  sink.body.append(UnsafeRawPointer(buffer).assumingMemoryBound(to: UInt8.self), count: length)
  return length
}

private func curlWriteHeader(
  _ buffer: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?
) -> Int {
  guard let buffer, let context else { return 0 }
  let sink = Unmanaged<ResponseSink>.fromOpaque(context).takeUnretainedValue()
  let length = size * count
  let line = String(
    decoding: UnsafeRawBufferPointer(start: buffer, count: length), as: UTF8.self)
  sink.addHeaderLine(line)
  return length
}
