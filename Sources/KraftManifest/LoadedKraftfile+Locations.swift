import KraftModel

extension LoadedKraftfile {
  /// Where the value of a top-level key (`outdir`, `rootfs`) is written, for problems found
  /// after parsing, when the file system is consulted (the model keeps no position for plain
  /// settings). Composes the text again: only called on the way to an error.
  public func location(ofTopLevelKey key: String) -> SourceLocation? {
    guard let root = try? YAMLComposer.compose(text, file: location.displayPath),
      case .mapping(let pairs) = root.content
    else { return nil }
    return pairs.first { $0.key.scalar?.value == key }?.value.location
  }
}
