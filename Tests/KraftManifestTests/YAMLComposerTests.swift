import KraftManifest
import KraftModel
import Testing

@Suite struct YAMLComposerTests {
  @Test func keepsLinesColumnsAndOrder() throws {
    let root = try YAMLComposer.compose("name: app\ntargets:\n  - qemu/x86_64\n  - 'fc/arm64'\n", file: "K")
    let map = try root.mapping(for: "the Kraftfile")
    #expect(map.keys == ["name", "targets"])
    let targets = try map.optionalSequence("targets") ?? []
    #expect(targets.map(\.location.description) == ["K:3:5", "K:4:5"])
    #expect(targets[1].scalar == YAMLScalar("fc/arm64", style: .singleQuoted))
    #expect(map["name"]?.location == SourceLocation(file: "K", line: 1, column: 7))
  }

  @Test func plainScalarsResolveAsYAML12CoreNumbers() {
    for number in ["42", "-1.5", "+3", ".5", "1.", "1e3", "2.5E-4", "0"] {
      #expect(YAMLScalar(number).kind == .number, "\(number)")
    }
    for text in ["", ".", "-", "1.2.3", "1e", "e3", "1e+", "0x1f", "1_000", "v1", "1a", "١٢"] {
      #expect(YAMLScalar(text).kind != .number, "\(text)")
    }
    #expect(YAMLScalar("42", style: .singleQuoted).kind == .string)
  }

  @Test func emptyDocumentIsNull() throws {
    #expect(try YAMLComposer.compose("", file: "K").isNull)
    #expect(try YAMLComposer.compose("# only a comment\n", file: "K").isNull)
  }

  @Test func syntaxErrorHasPosition() {
    let error = #expect(throws: Diagnostics.self) {
      try YAMLComposer.compose("a: b\n c: d: e\n", file: "K")
    }
    #expect(error?.items.first?.message.hasPrefix("invalid YAML: ") == true)
    #expect(error?.items.first?.location?.line == 2)
  }

  @Test func duplicateKeyPointsAtBoth() {
    let error = #expect(throws: Diagnostics.self) {
      try YAMLComposer.compose("name: a\nname: b\n", file: "K")
    }
    let item = error?.items.first
    #expect(item?.message == "duplicate key 'name'; each key may appear once in a map")
    #expect(item?.location?.line == 2)
    #expect(item?.notes.first?.location?.line == 1)
  }

  @Test func aliasesExpandWithinBudget() throws {
    let root = try YAMLComposer.compose("a: &x [1, 2]\nb: *x\n", file: "K")
    let map = try root.mapping(for: "root")
    #expect(try map["b"]?.strings(for: "b") == ["1", "2"])
  }

  @Test func refusesAliasBomb() {
    var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
    for level in 1..<9 {
      let previous = "*a\(level - 1)"
      let items = Array(repeating: previous, count: 10).joined(separator: ", ")
      text += "a\(level): &a\(level) [\(items)]\n"
    }
    let error = #expect(throws: Diagnostics.self) { try YAMLComposer.compose(text, file: "K") }
    #expect(error?.items.first?.message.contains("alias bomb") == true)
  }

  /// Only what aliases add is limited: a long list written out is bounded by the file size
  /// and cheap to read, while a few hundred bytes of nested aliases (531,441 leaves here)
  /// would make every reader walk the whole expansion.
  @Test func limitsWhatAliasesAddNotWhatIsWritten() throws {
    let written = "[" + Array(repeating: "x", count: 150_000).joined(separator: ",") + "]"
    #expect(try YAMLComposer.compose(written, file: "K").sequence(for: "root").count == 150_000)
    var bomb = "spec: v0.6\nx-a0: &a0 [" + Array(repeating: "x", count: 9).joined(separator: ",") + "]\n"
    for level in 1..<6 {
      bomb +=
        "x-a\(level): &a\(level) ["
        + Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ",") + "]\n"
    }
    let error = #expect(throws: Diagnostics.self) {
      try KraftfileParser().parse(bomb, file: "K", directory: "/p")
    }
    #expect(error?.items.first?.message.contains("alias bomb") == true)
  }

  @Test func refusesDeepNesting() {
    let text = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
    let error = #expect(throws: Diagnostics.self) { try YAMLComposer.compose(text, file: "K") }
    #expect(error?.items.first?.message.contains("nested more than 64 deep") == true)
  }

  @Test func refusesHugeDocument() {
    let limits = YAMLLimits(maxBytes: 100, maxDepth: 8, maxAliases: 1, maxExpandedNodes: 100)
    let text = "name: " + String(repeating: "x", count: 200)
    #expect(throws: Diagnostics.self) { try YAMLComposer.compose(text, file: "K", limits: limits) }
  }

  @Test func refusesSecondDocument() {
    #expect(throws: Diagnostics.self) { try YAMLComposer.compose("a: 1\n---\nb: 2\n", file: "K") }
  }

  @Test func accessorsNameWhatWasExpected() throws {
    let map = try YAMLComposer.compose("name: [a]\narchitecure: x\n", file: "K").mapping(for: "root")
    let error = #expect(throws: Diagnostics.self) { try map.optionalString("name") }
    #expect(error?.items.first?.message == "expected a string for 'name' but found a list")
    let unknown = map.unknownKeys(allowed: ["name", "architecture"], in: "a target")
    #expect(unknown.map(\.message) == ["unknown key 'architecure' in a target; did you mean 'architecture'?"])
    #expect(unknown.first?.location?.line == 2)
  }

  @Test func jsonTextResolvesCoreSchema() throws {
    let root = try YAMLComposer.compose("a: [1, '1', true, ~, x, 1.5, \"q\\\"\"]\n", file: "K")
    #expect(root.jsonText == #"{"a":[1,"1",true,null,"x",1.5,"q\""]}"#)
  }
}
