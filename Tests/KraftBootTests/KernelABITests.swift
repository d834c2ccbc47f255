import Foundation
import Testing

/// The host/guest contract's numbers, read from `Kernel/include/kraft/abi.h` itself, so the
/// boot tests expect what the header says and fail when `kraft run` drifts from it.
struct KernelABI {
  let values: [String: Int]

  static let shared: KernelABI = {
    let header = URL(fileURLWithPath: #filePath)
      .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("Kernel/include/kraft/abi.h")
    let text = (try? String(contentsOf: header, encoding: .utf8)) ?? ""
    return KernelABI(header: text)
  }()

  /// Every `#define NAME <integer>` (decimal or hex, trailing comments ignored).
  init(header: String) {
    var values: [String: Int] = [:]
    for line in header.split(separator: "\n") {
      let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
      guard words.count >= 3, words[0] == "#define" else { continue }
      let literal = String(words[2])
      let value = literal.hasPrefix("0x") ? Int(literal.dropFirst(2), radix: 16) : Int(literal)
      if let value { values[String(words[1])] = value }
    }
    self.values = values
  }

  subscript(name: String) -> Int {
    guard let value = values[name] else { fatalError("abi.h defines no integer '\(name)'") }
    return value
  }
}

@Suite struct KernelABITests {
  @Test func headerDefinesTheContract() {
    let abi = KernelABI.shared
    #expect(abi["KRAFT_ABI_VERSION"] == 1)
    #expect(abi["KRAFT_EXIT_PORT"] == 0xf4)
    // V never collides with QEMU's own statuses (0: reset, 1: QEMU failed).
    #expect(abi["KRAFT_EXIT_APP_MAX"] + 1 < abi["KRAFT_EXIT_V_ABORT"])
    #expect(abi["KRAFT_EXIT_V_ABORT"] < abi["KRAFT_EXIT_V_CRASH"])
    #expect(abi["KRAFT_EXIT_V_CRASH"] <= 127)
    #expect(
      Set([
        abi["KRAFT_HOST_STATUS_ABORT"], abi["KRAFT_HOST_STATUS_CRASH"], abi["KRAFT_HOST_STATUS_NO_REPORT"],
      ])
      .count == 3)
  }

  @Test func parserReadsDecimalAndHexAndSkipsMacros() {
    let abi = KernelABI(
      header: "#define A 12\n#define B\t0x1f /* c */\n#define F(x) ((x) + 1)\n#define S \"s\"\n")
    #expect(abi.values == ["A": 12, "B": 31])
  }
}
