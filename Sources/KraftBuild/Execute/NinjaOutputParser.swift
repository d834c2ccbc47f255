/// Reads ninja's output as it arrives (run with `NINJA_STATUS="[%f/%t] "`, not verbose):
/// status lines become progress events, and a `FAILED:` block becomes the failing outputs and
/// the compiler's own messages, without ninja's echo of the command.
public struct NinjaOutputParser: Sendable {
  public enum Event: Hashable, Sendable {
    /// Step `finished` of `total` started or ended; `description` as the plan wrote it.
    case step(finished: Int, total: Int, description: String)
    /// Text a command printed (warnings), outside a failure.
    case output(String)
  }

  public struct Failure: Hashable, Sendable {
    /// What the failed edge would have produced (an object file, an image).
    public var outputs: [String]
    public var command: String
    public var messages: [String]

    /// The first header the compiler could not find (`stdio.h`, `sys/types.h`), if that is
    /// why the step failed.
    public var missingHeader: String? {
      messages.lazy.compactMap(NinjaOutputParser.missingHeader(in:)).first
    }

    /// `missingHeader` when it is one a C library provides: the failing code needs a libc the
    /// image does not give it (with `-nostdinc` no host header stands in).
    public var missingLibcHeader: String? {
      missingHeader.flatMap { NinjaOutputParser.isLibcHeader($0) ? $0 : nil }
    }
  }

  public private(set) var failures: [Failure] = []
  private var collecting: Failure?
  private var expectCommand = false

  public init() {}

  /// Feeds one line; returns the event it stands for, if any.
  public mutating func consume(_ line: String) -> Event? {
    if let step = Self.statusLine(line) {
      finishFailure()
      return step
    }
    if line.hasPrefix("FAILED: ") {
      finishFailure()
      let outputs = line.dropFirst("FAILED: ".count).split(separator: " ").map(String.init)
      collecting = Failure(outputs: outputs, command: "", messages: [])
      expectCommand = true
      return nil
    }
    if line.hasPrefix("ninja: build stopped") || line == "ninja: no work to do." {
      finishFailure()
      return nil
    }
    if collecting != nil {
      if expectCommand {
        collecting?.command = line
        expectCommand = false
      } else {
        collecting?.messages.append(line)
      }
      return nil
    }
    return line.isEmpty ? nil : .output(line)
  }

  /// Call at the end of the output.
  public mutating func finish() { finishFailure() }

  private mutating func finishFailure() {
    if let failure = collecting { failures.append(failure) }
    collecting = nil
    expectCommand = false
  }

  /// `[3/17] CC kcore print.c`.
  static func statusLine(_ line: String) -> Event? {
    guard line.hasPrefix("["), let close = line.firstIndex(of: "]") else { return nil }
    let counts = line[line.index(after: line.startIndex)..<close].split(separator: "/")
    guard counts.count == 2, let finished = Int(counts[0]), let total = Int(counts[1]) else {
      return nil
    }
    let rest = line[line.index(after: close)...].drop(while: { $0 == " " })
    return .step(finished: finished, total: total, description: String(rest))
  }

  /// clang: `a.c:1:10: fatal error: 'stdio.h' file not found`;
  /// gcc: `a.c:1:10: fatal error: stdio.h: No such file or directory`.
  static func missingHeader(in line: String) -> String? {
    guard let marker = line.range(of: "fatal error: ") else { return nil }
    let rest = line[marker.upperBound...]
    if rest.hasPrefix("'"), rest.hasSuffix("' file not found") {
      return String(rest.dropFirst().dropLast("' file not found".count))
    }
    if rest.hasSuffix(": No such file or directory"),
      let end = rest.range(of: ": No such file or directory", options: .backwards)
    {
      return String(rest[..<end.lowerBound])
    }
    return nil
  }

  /// Headers of ISO C and POSIX that a C library provides and a compiler does not (the
  /// compiler's own `stddef.h`, `stdint.h`, `stdarg.h`, `limits.h`, ... are always found).
  static func isLibcHeader(_ name: String) -> Bool {
    if name.hasPrefix("sys/") || name.hasPrefix("arpa/") || name.hasPrefix("netinet/")
      || name.hasPrefix("bits/")
    {
      return true
    }
    return libcHeaders.contains(name)
  }

  static let libcHeaders: Set<String> = [
    "assert.h", "complex.h", "ctype.h", "dirent.h", "dlfcn.h", "errno.h", "fcntl.h", "fenv.h",
    "fnmatch.h", "glob.h", "grp.h", "inttypes.h", "langinfo.h", "libgen.h", "locale.h", "malloc.h",
    "math.h", "netdb.h", "poll.h", "pthread.h", "pwd.h", "regex.h", "sched.h", "search.h",
    "semaphore.h", "setjmp.h", "signal.h", "spawn.h", "stdio.h", "stdlib.h", "string.h",
    "strings.h", "termios.h", "threads.h", "time.h", "uchar.h", "unistd.h", "utime.h", "wchar.h",
    "wctype.h",
  ]
}
