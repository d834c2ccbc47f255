import CLibYAML
import KraftModel

/// Builds a `YAMLNode` tree from libyaml's event stream (not libyaml's own document loader,
/// which keeps no usable positions and expands aliases without limit). Exactly one document
/// is accepted; an empty file composes to a null scalar at 1:1.
///
/// Structural problems are thrown as `Diagnostics` with one error: invalid YAML syntax,
/// a second document, a duplicate or non-string map key, an unknown alias, and anything past
/// the `YAMLLimits`.
public enum YAMLComposer {
  public static func compose(
    _ text: String, file: String, limits: YAMLLimits = .default
  ) throws -> YAMLNode {
    let start = SourceLocation(file: file, line: 1, column: 1)
    let byteCount = text.utf8.count
    guard byteCount <= limits.maxBytes else {
      throw Diagnostics([
        Diagnostic(
          "'\(file)' is \(byteCount) bytes, more than the \(limits.maxBytes) kraft reads; "
            + "is this really a YAML manifest?", at: start)
      ])
    }
    var parser = yaml_parser_t()
    guard yaml_parser_initialize(&parser) == 1 else {
      throw Diagnostics([Diagnostic("internal error: libyaml could not start (out of memory?)")])
    }
    defer { yaml_parser_delete(&parser) }
    let bytes = Array(text.utf8)
    return try bytes.withUnsafeBufferPointer { buffer in
      yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
      var builder = TreeBuilder(file: file, limits: limits)
      while true {
        var event = yaml_event_t()
        guard yaml_parser_parse(&parser, &event) == 1 else {
          throw Diagnostics([syntaxError(parser, file: file)])
        }
        defer { yaml_event_delete(&event) }
        if event.type == YAML_STREAM_END_EVENT { break }
        try builder.handle(event)
      }
      return builder.root ?? YAMLNode(.scalar(YAMLScalar("")), at: start)
    }
  }

  private static func syntaxError(_ parser: yaml_parser_t, file: String) -> Diagnostic {
    let problem = parser.problem.map { String(cString: $0) } ?? "unreadable YAML"
    var message = "invalid YAML: \(problem)"
    if let context = parser.context.map({ String(cString: $0) }) {
      message += " (\(context))"
    }
    let mark = parser.problem_mark
    return Diagnostic(
      message,
      at: SourceLocation(file: file, line: Int(mark.line) + 1, column: Int(mark.column) + 1))
  }
}

/// The composer's state between events: a stack of open lists and maps.
private struct TreeBuilder {
  private enum Frame {
    case sequence(items: [YAMLNode], start: SourceLocation, tag: String?, anchor: String?)
    case mapping(
      pairs: [YAMLPair], pendingKey: YAMLNode?, start: SourceLocation, tag: String?,
      anchor: String?)
  }

  let file: String
  let limits: YAMLLimits
  private(set) var root: YAMLNode?
  private var stack: [Frame] = []
  private var anchors: [String: (node: YAMLNode, size: Int)] = [:]
  /// One running expanded-node count per open collection, in step with `stack`.
  private var sizes: [Int] = []
  private var documents = 0
  private var aliasCount = 0
  private var expandedNodes = 0

  init(file: String, limits: YAMLLimits) {
    self.file = file
    self.limits = limits
  }

  mutating func handle(_ event: yaml_event_t) throws {
    let location = SourceLocation(
      file: file, line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
    switch event.type {
    case YAML_DOCUMENT_START_EVENT:
      documents += 1
      if documents > 1 {
        throw fail(
          "expected one YAML document but found another; remove the '---' separator", location)
      }
    case YAML_SCALAR_EVENT:
      let data = event.data.scalar
      let value = string(data.value, length: Int(data.length)) ?? ""
      let node = YAMLNode(
        .scalar(YAMLScalar(value, style: style(data.style))), at: location,
        tag: string(data.tag))
      try finish(node, size: 1, anchor: string(data.anchor))
    case YAML_ALIAS_EVENT:
      let name = string(event.data.alias.anchor) ?? ""
      guard let anchored = anchors[name] else {
        throw fail("unknown alias '*\(name)'; define '&\(name)' before using it", location)
      }
      aliasCount += 1
      if aliasCount > limits.maxAliases {
        throw fail("more than \(limits.maxAliases) aliases; kraft refuses such documents", location)
      }
      try finish(anchored.node, size: anchored.size, anchor: nil)
    case YAML_SEQUENCE_START_EVENT:
      let data = event.data.sequence_start
      try open(
        .sequence(items: [], start: location, tag: string(data.tag), anchor: string(data.anchor)),
        at: location)
    case YAML_MAPPING_START_EVENT:
      let data = event.data.mapping_start
      try open(
        .mapping(
          pairs: [], pendingKey: nil, start: location, tag: string(data.tag),
          anchor: string(data.anchor)),
        at: location)
    case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
      let size = sizes.removeLast()
      switch stack.removeLast() {
      case .sequence(let items, let start, let tag, let anchor):
        try finish(YAMLNode(.sequence(items), at: start, tag: tag), size: size, anchor: anchor)
      case .mapping(let pairs, _, let start, let tag, let anchor):
        try finish(YAMLNode(.mapping(pairs), at: start, tag: tag), size: size, anchor: anchor)
      }
    default:
      break  // stream start, document end: nothing to build
    }
  }

  private mutating func open(_ frame: Frame, at location: SourceLocation) throws {
    if stack.count >= limits.maxDepth {
      throw fail(
        "lists and maps nested more than \(limits.maxDepth) deep; kraft refuses such documents",
        location)
    }
    stack.append(frame)
    sizes.append(1)
  }

  /// Adds a finished node to the collection it belongs to (or makes it the root).
  private mutating func finish(_ node: YAMLNode, size: Int, anchor: String?) throws {
    expandedNodes += size
    if expandedNodes > limits.maxExpandedNodes {
      throw fail(
        "the document expands to more than \(limits.maxExpandedNodes) nodes "
          + "(an alias bomb?); kraft refuses such documents", node.location)
    }
    if let anchor { anchors[anchor] = (node, size) }
    guard let top = stack.popLast() else {
      root = node
      return
    }
    sizes[sizes.count - 1] += size
    switch top {
    case .sequence(var items, let start, let tag, let anchor):
      items.append(node)
      stack.append(.sequence(items: items, start: start, tag: tag, anchor: anchor))
    case .mapping(var pairs, let pendingKey, let start, let tag, let anchor):
      if let key = pendingKey {
        pairs.append(YAMLPair(key: key, value: node))
        stack.append(.mapping(pairs: pairs, pendingKey: nil, start: start, tag: tag, anchor: anchor))
      } else {
        try checkKey(node, against: pairs)
        stack.append(.mapping(pairs: pairs, pendingKey: node, start: start, tag: tag, anchor: anchor))
      }
    }
  }

  private func checkKey(_ key: YAMLNode, against pairs: [YAMLPair]) throws {
    guard let text = key.scalar?.value else {
      throw fail("expected a string as map key but found \(key.kindDescription)", key.location)
    }
    if let first = pairs.first(where: { $0.key.scalar?.value == text }) {
      throw Diagnostics([
        Diagnostic(
          "duplicate key '\(text)'; each key may appear once in a map", at: key.location,
          notes: [Diagnostic(.note, "'\(text)' was first written here", at: first.key.location)])
      ])
    }
  }

  private func fail(_ message: String, _ location: SourceLocation) -> Diagnostics {
    Diagnostics([Diagnostic(message, at: location)])
  }

  private func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?, length: Int? = nil) -> String? {
    guard let pointer else { return nil }
    let count = length ?? strlen(pointer)
    return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
  }

  private func style(_ style: yaml_scalar_style_t) -> YAMLScalar.Style {
    switch style {
    case YAML_SINGLE_QUOTED_SCALAR_STYLE: return .singleQuoted
    case YAML_DOUBLE_QUOTED_SCALAR_STYLE: return .doubleQuoted
    case YAML_LITERAL_SCALAR_STYLE: return .literal
    case YAML_FOLDED_SCALAR_STYLE: return .folded
    default: return .plain
    }
  }
}

/// libyaml's `yaml_char_t` strings are NUL-terminated unsigned chars.
private func strlen(_ pointer: UnsafeMutablePointer<yaml_char_t>) -> Int {
  var count = 0
  while pointer[count] != 0 { count += 1 }
  return count
}
