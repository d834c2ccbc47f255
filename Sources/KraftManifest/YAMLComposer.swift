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
  /// `allowsDuplicateKeys` is asked, with a map's path (the keys leading to it from the root,
  /// nil for a list item), whether that map may repeat a key; by default no map may.
  public static func compose(
    _ text: String, file: String, limits: YAMLLimits = .default,
    allowsDuplicateKeys: @escaping (_ path: [String?]) -> Bool = { _ in false }
  ) throws -> YAMLNode {
    let start = SourceLocation(file: file, line: 1, column: 1)
    let byteCount = text.utf8.count
    guard byteCount <= limits.maxBytes else {
      throw Diagnostics([
        Diagnostic(limits.oversizeMessage(file: file, bytes: byteCount), at: start)
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
      var builder = TreeBuilder(
        file: file, limits: limits, allowsDuplicateKeys: allowsDuplicateKeys)
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

/// One open list or map. A class so that appending to it is amortised O(1): with an enum
/// payload popped and pushed back per item, each append copied the whole array (quadratic).
private final class Frame {
  enum Kind { case sequence, mapping }
  let kind: Kind
  let start: SourceLocation
  let tag: String?
  let anchor: String?
  /// The keys leading to this collection from the root (nil for a list item).
  let path: [String?]
  var items: [YAMLNode] = []
  var pairs: [YAMLPair] = []
  /// Each key's first pair, so that duplicate keys are found in O(1), not by a scan.
  var firstKeys: [String: YAMLNode] = [:]
  var pendingKey: YAMLNode?
  /// Nodes in this collection's subtree with aliases expanded: what an alias of it adds.
  var size = 1

  init(_ kind: Kind, start: SourceLocation, tag: String?, anchor: String?, path: [String?]) {
    self.kind = kind
    self.start = start
    self.tag = tag
    self.anchor = anchor
    self.path = path
  }

  var node: YAMLNode {
    YAMLNode(kind == .sequence ? .sequence(items) : .mapping(pairs), at: start, tag: tag)
  }
}

/// The composer's state between events: a stack of open lists and maps.
private struct TreeBuilder {
  let file: String
  let limits: YAMLLimits
  let allowsDuplicateKeys: ([String?]) -> Bool
  private(set) var root: YAMLNode?
  private var stack: [Frame] = []
  private var anchors: [String: (node: YAMLNode, size: Int)] = [:]
  private var documents = 0
  private var aliasCount = 0
  /// Nodes added by expanding aliases (written ones are bounded by the document's size).
  private var aliasNodes = 0

  init(file: String, limits: YAMLLimits, allowsDuplicateKeys: @escaping ([String?]) -> Bool) {
    self.file = file
    self.limits = limits
    self.allowsDuplicateKeys = allowsDuplicateKeys
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
      aliasNodes += anchored.size
      if aliasNodes > limits.maxExpandedNodes {
        throw fail(
          "aliases expand the document by more than \(limits.maxExpandedNodes) nodes "
            + "(an alias bomb?); kraft refuses such documents", location)
      }
      try finish(anchored.node, size: anchored.size, anchor: nil)
    case YAML_SEQUENCE_START_EVENT:
      let data = event.data.sequence_start
      try open(.sequence, at: location, tag: string(data.tag), anchor: string(data.anchor))
    case YAML_MAPPING_START_EVENT:
      let data = event.data.mapping_start
      try open(.mapping, at: location, tag: string(data.tag), anchor: string(data.anchor))
    case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
      let frame = stack.removeLast()
      try finish(frame.node, size: frame.size, anchor: frame.anchor)
    default:
      break  // stream start, document end: nothing to build
    }
  }

  private mutating func open(
    _ kind: Frame.Kind, at location: SourceLocation, tag: String?, anchor: String?
  ) throws {
    if stack.count >= limits.maxDepth {
      throw fail(
        "lists and maps nested more than \(limits.maxDepth) deep; kraft refuses such documents",
        location)
    }
    var path: [String?] = []
    if let parent = stack.last {
      path = parent.path + [parent.kind == .mapping ? parent.pendingKey?.scalar?.value : nil]
    }
    stack.append(Frame(kind, start: location, tag: tag, anchor: anchor, path: path))
  }

  /// Adds a finished node to the collection it belongs to (or makes it the root).
  /// `size` is the node's whole subtree, which an alias of it would add again.
  private mutating func finish(_ node: YAMLNode, size: Int, anchor: String?) throws {
    if let anchor { anchors[anchor] = (node, size) }
    guard let top = stack.last else {
      root = node
      return
    }
    top.size += size
    switch top.kind {
    case .sequence:
      top.items.append(node)
    case .mapping:
      if let key = top.pendingKey {
        top.pairs.append(YAMLPair(key: key, value: node))
        top.pendingKey = nil
      } else {
        try checkKey(node, in: top)
        top.pendingKey = node
      }
    }
  }

  /// Keys are strings, each written once; a map whose path `allowsDuplicateKeys` accepts
  /// (Kraftfile `kconfig:` blocks) keeps every pair for its reader to resolve.
  private func checkKey(_ key: YAMLNode, in frame: Frame) throws {
    guard let text = key.scalar?.value else {
      throw fail("expected a string as map key but found \(key.kindDescription)", key.location)
    }
    if let first = frame.firstKeys[text] {
      if allowsDuplicateKeys(frame.path) { return }
      throw Diagnostics([
        Diagnostic(
          "duplicate key '\(text)'; each key may appear once in a map", at: key.location,
          notes: [Diagnostic(.note, "'\(text)' was first written here", at: first.location)])
      ])
    }
    frame.firstKeys[text] = key
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
