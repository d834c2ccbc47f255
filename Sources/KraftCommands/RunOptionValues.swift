import ArgumentParser
import Foundation
import KraftModel

/// `-M/--memory` as kraftkit spells it, in MiB for the monitor: a plain number is MiB (kraft's
/// own spelling, kept), `Ki`/`Mi`/`Gi` are binary units, `K`/`M`/`G` decimal ones as in
/// kraftkit (`1G` is 10^9 bytes, 954 MiB once rounded up to whole MiB).
enum MemorySize {
  static let units: [(suffix: String, bytes: Int)] = [
    ("Ki", 1 << 10), ("Mi", 1 << 20), ("Gi", 1 << 30), ("K", 1_000), ("k", 1_000),
    ("M", 1_000_000), ("G", 1_000_000_000),
  ]

  static func megabytes(_ text: String) throws -> Int {
    let problem = ValidationError(
      "memory '\(text)' is not a size; use MiB (64), or a unit as kraftkit spells it: 64Mi, 1Gi, 512M, 1G")
    if let plain = Int(text) {
      guard plain > 0 else { throw problem }
      return plain
    }
    guard let unit = units.first(where: { text.hasSuffix($0.suffix) }),
      let value = Int(text.dropLast(unit.suffix.count)), value > 0
    else { throw problem }
    let (bytes, overflow) = value.multipliedReportingOverflow(by: unit.bytes)
    guard !overflow else { throw problem }
    guard bytes >= 1 << 20 else {
      throw ValidationError("memory '\(text)' is less than 1 MiB; images need at least a few MiB")
    }
    return (bytes + (1 << 20) - 1) >> 20
  }
}

/// The application's environment as kernel arguments `env.KEY=VALUE` (KRAFT_CMDLINE_ENV_PREFIX
/// in Kernel/include/kraft/abi.h): the Kraftfile's `env:` in order, then each `-e`, which
/// replaces a Kraftfile entry of the same name (the libc reads the first of duplicates).
enum ApplicationEnvironment {
  static let prefix = "env."

  static func kernelArguments(
    kraftfile: [(String, String)], overrides: [String], host: [String: String]
  ) throws -> [String] {
    var entries = kraftfile
    for text in overrides {
      let (name, value) = try entry(text, host: host)
      entries.removeAll { $0.0 == name }
      entries.append((name, value))
    }
    return entries.map { prefix + $0.0 + "=" + $0.1 }
  }

  static func entry(_ text: String, host: [String: String]) throws -> (String, String) {
    let name = String(text.prefix(while: { $0 != "=" }))
    guard !name.isEmpty,
      name.allSatisfy({ $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }),
      !name.first!.isNumber
    else {
      throw ValidationError(
        "'-e \(text)' does not start with a variable name (letters, digits, '_'); use -e KEY=VALUE")
    }
    if name.count < text.count { return (name, String(text.dropFirst(name.count + 1))) }
    guard let value = host[name] else {
      throw ValidationError(
        "'-e \(name)' passes kraft's own \(name), which is not set; use -e \(name)=VALUE")
    }
    return (name, value)
  }
}
