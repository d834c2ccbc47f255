import KraftBasics

/// Adds function names to the kernel's crash report: each `  #N 0x<hex>` frame line gets the
/// function and source line that `llvm-symbolizer` finds in the unstripped `.dbg` image.
public struct CrashSymbolizer: Sendable {
  public var debugImage: String
  public var runner: ProcessRunner
  /// nil: no symbolizer installed; frames are printed as they are.
  public var symbolizer: String?

  public init(debugImage: String, runner: ProcessRunner, locator: ExecutableLocator = ExecutableLocator()) {
    self.debugImage = debugImage
    self.runner = runner
    self.symbolizer = locator.find("llvm-symbolizer")
  }

  /// The address of a frame line (`  #3 0x0000000000101234`), or nil for any other line.
  public static func frameAddress(_ line: String) -> String? {
    let trimmed = line.drop(while: { $0 == " " })
    guard trimmed.hasPrefix("#") else { return nil }
    let parts = trimmed.split(separator: " ")
    guard parts.count >= 2, parts[0].dropFirst().allSatisfy(\.isNumber), parts[1].hasPrefix("0x"),
      parts[1].dropFirst(2).allSatisfy(\.isHexDigit)
    else { return nil }
    return String(parts[1])
  }

  /// The line with ` in function at file:line` appended when the address is known.
  public func annotate(_ line: String) -> String {
    guard let address = Self.frameAddress(line), let symbolizer else { return line }
    guard
      let result = try? runner.capture(
        ProcessCommand(symbolizer, ["--obj=" + debugImage, "--functions=short", address])),
      result.status == 0
    else { return line }
    let answer = result.stdout.split(separator: "\n").map(String.init)
    guard let function = answer.first, function != "??" else { return line }
    var annotated = line + " in " + function
    if answer.count > 1, !answer[1].hasPrefix("??") { annotated += " at " + answer[1] }
    return annotated
  }
}
