// libFuzzer target for every parser of user-written YAML: Kraftfiles, port recipes (both the
// fetch layer's `upstream:` and the build layer's keys), library manifests and lockfiles.
// Built by scripts/fuzz.sh with `swiftc -sanitize=fuzzer` against the KraftModel,
// KraftBasics and KraftManifest sources. A parser may refuse an input only by throwing
// (`Diagnostics` or another error); a crash, a trap or a slow input is a bug.
import Foundation
import KraftManifest
import KraftModel

/// The keys a port's `port.yaml` holds beyond a library manifest's (KraftBuild's
/// `LibraryCatalog.portOnlyKeys`; KraftBuild is not linked into the fuzzer).
private let portOnlyKeys = ["upstream", "version", "patches", "license", "homepage"]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzParsers(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  // kraft reads files as UTF-8 and refuses what is not; the parsers only ever see valid text.
  guard let text = String(validatingUTF8Bytes: UnsafeBufferPointer(start: data, count: size))
  else { return 0 }
  var diagnostics: [Diagnostic] = []
  func attempt(_ body: () throws -> Void) {
    do { try body() } catch let thrown as Diagnostics { diagnostics += thrown.items } catch {}
  }
  attempt {
    _ = try KraftfileParser(environment: ["HOME": "/root"]).parse(
      text, file: "Kraftfile", directory: "/project")
  }
  attempt { _ = try PortRecipeParser.parse(text, file: "port.yaml", directory: "/ports/p") }
  attempt {
    _ = try LibraryManifestParser(extraKeys: portOnlyKeys).parse(
      text, file: "port.yaml", directory: "/ports/p")
  }
  attempt { _ = try LibraryManifestParser().parse(text, file: "library.yaml", directory: "/lib") }
  attempt { _ = try LockfileCodec.decode(text, file: "Kraftfile.lock") }
  // Rendering runs on whatever was found, as `kraft` prints it (with source lines and carets).
  _ = DiagnosticRenderer().render(
    diagnostics,
    sources: ["Kraftfile": text, "port.yaml": text, "library.yaml": text, "Kraftfile.lock": text])
  return 0
}

extension String {
  fileprivate init?(validatingUTF8Bytes bytes: UnsafeBufferPointer<UInt8>) {
    var iterator = bytes.makeIterator()
    var decoder = UTF8()
    loop: while true {
      switch decoder.decode(&iterator) {
      case .scalarValue: continue
      case .emptyInput: break loop
      case .error: return nil
      }
    }
    self = String(decoding: bytes, as: UTF8.self)
  }
}
