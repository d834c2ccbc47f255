import KraftModel

/// Reads the simple subset of Unikraft's `Makefile.uk` that applications use, so existing
/// Unikraft apps build unchanged:
///
///     $(eval $(call addlib,apphello))
///     APPHELLO_SRCS-y += $(APPHELLO_BASE)/main.c
///     APPHELLO_SRCS-$(CONFIG_APPHELLO_EXTRA) += $(APPHELLO_BASE)/extra.c
///     APPHELLO_CFLAGS-y += -DHELLO=1
///     APPHELLO_CINCLUDES-y += -I$(APPHELLO_BASE)/include
///
/// Variables (`=`, `:=`, `?=`, `+=`), `$(NAME)`/`${NAME}` expansion, `\` continuations and
/// comments are understood; `-$(CONFIG_X)` suffixes take the resolved option values. Anything
/// else (conditionals, other functions, rules) is an error naming the line, rather than a
/// silently different build.
public struct MakefileUkReader: Sendable {
  /// The folder holding the Makefile.uk: `$(<LIB>_BASE)`.
  public var baseDirectory: String
  /// Resolved options: `CONFIG_X` expands to `y` when on, its value otherwise, empty if unset.
  public var options: [String: String]

  public init(baseDirectory: String, options: [String: String] = [:]) {
    self.baseDirectory = baseDirectory
    self.options = options
  }

  public func read(_ text: String, file: String = "Makefile.uk") throws(Diagnostics) -> MakefileUk {
    var variables: [String: String] = options
    var libraries: [String] = []
    var problems: [Diagnostic] = []

    for (number, line) in logicalLines(text) {
      let location = SourceLocation(file: file, line: number, column: 1)
      let trimmed = line.trimmingCharacters(in: " \t")
      if trimmed.isEmpty { continue }
      if let (name, enabled) = addlib(trimmed) {
        if enabled {
          libraries.append(name)
          variables["\(name.uppercased())_BASE"] = baseDirectory
        }
        continue
      }
      guard let assignment = Assignment(parsing: trimmed) else {
        problems.append(
          Diagnostic(
            .error,
            "unsupported Makefile.uk line '\(trimmed)'; kraft reads 'addlib' calls and variable assignments only",
            at: location))
        continue
      }
      let name = expand(assignment.name, variables)
      let value = expand(assignment.value, variables)
      switch assignment.operation {
      case "+=":
        let old = variables[name] ?? ""
        variables[name] = old.isEmpty ? value : old + " " + value
      case "?=":
        if variables[name] == nil { variables[name] = value }
      default:
        variables[name] = value
      }
    }
    if !problems.isEmpty { throw Diagnostics(problems) }

    return MakefileUk(
      libraries: libraries.map { name in
        let prefix = name.uppercased()
        func words(_ suffix: String) -> [String] {
          // `X-y` is on; a bare `X` (no suffix) is always on too. Make hands values to a
          // shell, so they are split (and unquoted: `-DX=\"text\"`) as a shell would.
          let text =
            (variables["\(prefix)_\(suffix)-y"] ?? "") + " " + (variables["\(prefix)_\(suffix)"] ?? "")
          return (try? ShellWords.split(text))
            ?? text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        }
        let includes = (words("CINCLUDES") + words("ASINCLUDES") + words("INCLUDES"))
          .compactMap { $0.hasPrefix("-I") ? absolute(String($0.dropFirst(2))) : nil }
        return MakefileUk.Library(
          name: name,
          // Unikraft allows `file.c|variant` to build one file twice; kraft builds it once.
          sources: words("SRCS").map { absolute(String($0.split(separator: "|")[0])) },
          cflags: words("CFLAGS") + words("CPPFLAGS"),
          asflags: words("ASFLAGS") + words("CPPFLAGS"),
          includes: uniqued(includes))
      })
  }

  /// `$(eval $(call addlib,NAME))`, or `addlib_s,NAME,$(CONFIG_X)` which adds the library
  /// only when the option is on.
  private func addlib(_ line: String) -> (String, Bool)? {
    let compact = line.filter { $0 != " " && $0 != "\t" }
    for call in ["addlib,", "addlib_s,"] {
      guard compact.hasPrefix("$(eval$(call\(call)"), compact.hasSuffix("))") else { continue }
      let inner = compact.dropFirst("$(eval$(call\(call)".count).dropLast(2)
      let parts = inner.split(separator: ",", maxSplits: 1).map(String.init)
      guard let name = parts.first else { return nil }
      if call == "addlib_s,", parts.count == 2 {
        return (name, expand(parts[1], options) == "y")
      }
      return (name, true)
    }
    return nil
  }

  /// Joins `\` continuations and drops comments; keeps each line's starting number.
  private func logicalLines(_ text: String) -> [(Int, String)] {
    var result: [(Int, String)] = []
    var current = ""
    var start = 0
    for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      var line = String(rawLine)
      if let hash = line.firstIndex(of: "#") { line = String(line[..<hash]) }
      if current.isEmpty { start = index + 1 }
      if line.hasSuffix("\\") {
        current += line.dropLast() + " "
        continue
      }
      result.append((start, current + line))
      current = ""
    }
    if !current.isEmpty { result.append((start, current)) }
    return result
  }

  /// Expands `$(NAME)` and `${NAME}` (nested first); undefined names expand to nothing, as in make.
  private func expand(_ text: String, _ variables: [String: String]) -> String {
    var output = ""
    var index = text.startIndex
    while index < text.endIndex {
      let character = text[index]
      let next = text.index(after: index)
      if character == "$", next < text.endIndex, text[next] == "(" || text[next] == "{" {
        let close: Character = text[next] == "(" ? ")" : "}"
        var depth = 0
        var end = next
        while end < text.endIndex {
          if text[end] == text[next] { depth += 1 }
          if text[end] == close {
            depth -= 1
            if depth == 0 { break }
          }
          end = text.index(after: end)
        }
        let inner = expand(String(text[text.index(after: next)..<min(end, text.endIndex)]), variables)
        output += variables[inner.trimmingCharacters(in: " ")] ?? ""
        index = end < text.endIndex ? text.index(after: end) : end
      } else {
        output.append(character)
        index = next
      }
    }
    return output
  }

  private func absolute(_ path: String) -> String {
    path.hasPrefix("/") ? path : baseDirectory + "/" + path
  }

  private func uniqued(_ items: [String]) -> [String] {
    var seen = Set<String>()
    return items.filter { seen.insert($0).inserted }
  }
}

/// `NAME op value`, with op one of `=`, `:=`, `::=`, `?=`, `+=`.
private struct Assignment {
  var name: String
  var operation: String
  var value: String

  init?(parsing line: String) {
    // The first `=` ends the operator; the characters before it say which one it is.
    guard let equals = line.firstIndex(of: "=") else { return nil }
    var before = line[..<equals]
    var operation = "="
    for prefix in ["::", ":", "+", "?"] where before.hasSuffix(prefix) {
      operation = prefix + "="
      before = before.dropLast(prefix.count)
      break
    }
    let name = before.trimmingCharacters(in: " \t")
    // A name holds no blanks or colons outside `$(...)`: otherwise this is a rule.
    guard !name.isEmpty, !name.contains(" "), !name.contains(":") else { return nil }
    self.name = name
    self.operation = operation
    self.value = line[line.index(after: equals)...].trimmingCharacters(in: " \t")
  }
}

extension StringProtocol {
  fileprivate func trimmingCharacters(in set: String) -> String {
    var view = Substring(self)
    while let first = view.first, set.contains(first) { view = view.dropFirst() }
    while let last = view.last, set.contains(last) { view = view.dropLast() }
    return String(view)
  }
}
