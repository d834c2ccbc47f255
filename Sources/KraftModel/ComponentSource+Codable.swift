/// Readable JSON for `kraft validate --output json` and anything else that encodes sources:
/// `{"git": "https://…", "ref": {"tag": "v1"}}`, `{"path": "../lib"}`,
/// `{"archive": "https://…/x.tar.gz"}`, instead of the synthesised `{"git": {"_0": …}}`.
extension ComponentSource {
  private enum CodingKeys: String, CodingKey {
    case path, git, ref, archive
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    if let path = try container.decodeIfPresent(String.self, forKey: .path) {
      self = .path(path)
    } else if let url = try container.decodeIfPresent(String.self, forKey: .git) {
      self = .git(url: url, ref: try container.decodeIfPresent(GitReference.self, forKey: .ref))
    } else if let url = try container.decodeIfPresent(String.self, forKey: .archive) {
      self = .archive(url: url)
    } else {
      throw DecodingError.dataCorrupted(
        .init(codingPath: decoder.codingPath, debugDescription: "expected 'path', 'git' or 'archive'"))
    }
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    switch self {
    case .path(let path): try container.encode(path, forKey: .path)
    case .git(let url, let ref):
      try container.encode(url, forKey: .git)
      try container.encodeIfPresent(ref, forKey: .ref)
    case .archive(let url): try container.encode(url, forKey: .archive)
    }
  }
}

extension GitReference {
  private enum CodingKeys: String, CodingKey {
    case branch, tag, ref
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    if let name = try container.decodeIfPresent(String.self, forKey: .branch) {
      self = .branch(name)
    } else if let name = try container.decodeIfPresent(String.self, forKey: .tag) {
      self = .tag(name)
    } else if let name = try container.decodeIfPresent(String.self, forKey: .ref) {
      self = .ref(name)
    } else {
      throw DecodingError.dataCorrupted(
        .init(codingPath: decoder.codingPath, debugDescription: "expected 'branch', 'tag' or 'ref'"))
    }
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    switch self {
    case .branch(let name): try container.encode(name, forKey: .branch)
    case .tag(let name): try container.encode(name, forKey: .tag)
    case .ref(let name): try container.encode(name, forKey: .ref)
    }
  }
}
