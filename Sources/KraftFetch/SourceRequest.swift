import KraftModel

/// One source to bring onto the machine: where it comes from upstream, what it must hash to,
/// and the patches to apply. Built from a port recipe (pinned) or from a Kraftfile's own
/// `source:` (unpinned until the lockfile records it).
public struct SourceRequest: Hashable, Sendable {
  public enum Origin: Hashable, Sendable {
    case archive(url: String)
    case git(url: String, ref: GitReference?)
  }

  public var name: String
  public var version: String
  public var origin: Origin
  public var pin: UpstreamPin
  public var patches: PatchSet
  /// The port's `prepare:` step, run on the patched tree (a cache layer of its own).
  public var prepare: PrepareStep?
  /// True when the user asked for this exact source, so an empty pin is acceptable (a branch
  /// in their own Kraftfile); port recipes are never unpinned.
  public var allowsUnpinned: Bool

  public init(
    name: String, version: String, origin: Origin, pin: UpstreamPin,
    patches: PatchSet = PatchSet(patches: []), allowsUnpinned: Bool = false,
    prepare: PrepareStep? = nil
  ) {
    self.prepare = prepare
    self.name = name
    self.version = version
    self.origin = origin
    self.pin = pin
    self.patches = patches
    self.allowsUnpinned = allowsUnpinned
  }

  public var url: String {
    switch origin {
    case .archive(let url), .git(let url, _): return url
    }
  }

  /// A port version, preferring the release archive (one download; Debian-style mirrors carry
  /// archives) when the recipe names one and pins its sha256 or tree.
  public static func port(_ recipe: PortRecipe, version: String?) throws -> SourceRequest {
    guard let chosen = recipe.upstream.version(version) else {
      throw FetchError(
        .invalidInput,
        recipe.upstream.unknownVersionMessage(
          version ?? recipe.upstream.defaultVersion, port: recipe.name))
    }
    let origin: Origin
    if let archive = chosen.archive {
      origin = .archive(url: archive)
    } else if let git = chosen.git {
      origin = .git(url: git.url, ref: git.ref)
    } else if let debian = chosen.debian {
      origin = .archive(url: debian.url)
    } else {
      throw FetchError(
        .invalidInput,
        "port '\(recipe.name)' version '\(chosen.version)' names neither 'archive' nor 'git'")
    }
    return SourceRequest(
      name: recipe.name, version: chosen.version, origin: origin, pin: chosen.pin,
      patches: try PatchSet.load(portDirectory: recipe.directory), prepare: recipe.prepare)
  }

  /// The same port version through git, for callers that want the repository (and tests
  /// that check archive and checkout hash alike).
  public static func portGit(_ recipe: PortRecipe, version: String?) throws -> SourceRequest? {
    guard let chosen = recipe.upstream.version(version), let git = chosen.git else { return nil }
    return SourceRequest(
      name: recipe.name, version: chosen.version, origin: .git(url: git.url, ref: git.ref),
      pin: UpstreamPin(
        commit: chosen.pin.commit, treeHash: chosen.pin.treeHash,
        preparedTree: chosen.pin.preparedTree),
      patches: try PatchSet.load(portDirectory: recipe.directory), prepare: recipe.prepare)
  }

  /// A source a Kraftfile names itself (`source:` of a `libraries:` entry or of `unikraft:`):
  /// unpinned by the user's explicit choice, so the lockfile pins it on first use. Nil for a
  /// local folder, which is used in place.
  public static func explicit(
    name: String, source: ComponentSource, version: String?,
    patches: PatchSet = PatchSet(patches: [])
  ) -> SourceRequest? {
    switch source {
    case .path:
      return nil
    case .git(let url, let ref):
      let chosenRef = ref ?? version.map(GitReference.ref)
      let label: String
      switch chosenRef {
      case .tag(let text), .branch(let text), .ref(let text): label = text
      case .none: label = "HEAD"
      }
      return SourceRequest(
        name: name, version: label, origin: .git(url: url, ref: chosenRef), pin: UpstreamPin(),
        patches: patches, allowsUnpinned: true)
    case .archive(let url):
      return SourceRequest(
        name: name, version: version ?? url, origin: .archive(url: url), pin: UpstreamPin(),
        patches: patches, allowsUnpinned: true)
    }
  }

  /// Applies what a lockfile entry recorded: its pins join the request's (both must hold),
  /// and for an unpinned git source the locked commit is used instead of the moving ref.
  public func locked(by entry: LockfileEntry?) throws -> SourceRequest {
    guard let entry else { return self }
    var copy = self
    func merge(_ field: String, _ ours: String?, _ theirs: String?) throws -> String? {
      if let ours, let theirs, ours != theirs {
        throw FetchError(
          .verificationFailed,
          "'Kraftfile.lock' disagrees with the recipe of '\(name)' on the \(field)\n"
            + "  recipe: \(ours)\n  lock:   \(theirs)\n"
            + "run 'kraft lock --update \(name)' to record the recipe's pins")
      }
      return ours ?? theirs
    }
    guard entry.url == url, entry.version == version else {
      throw FetchError(
        .verificationFailed,
        "'Kraftfile.lock' records '\(name)' as \(entry.version) from '\(entry.url)' but the "
          + "project asks for \(version) from '\(url)'; run 'kraft lock --update \(name)'")
    }
    copy.pin.archiveSHA256 = try merge("archive sha256", pin.archiveSHA256, entry.pin.archiveSHA256)
    copy.pin.commit = try merge("commit", pin.commit, entry.pin.commit)
    copy.pin.treeHash = try merge("tree hash", pin.treeHash, entry.pin.treeHash)
    if prepare != nil {
      copy.pin.preparedTree = try merge(
        "prepared tree", pin.preparedTree, entry.pin.preparedTree)
    }
    if let locked = entry.patchSetHash, let current = patches.hash, locked != current {
      throw FetchError(
        .verificationFailed,
        "the patches of '\(name)' changed since 'Kraftfile.lock' was written\n"
          + "  lock:    \(locked)\n  current: \(current)\n"
          + "run 'kraft lock --update \(name)' if the change is intended")
    }
    return copy
  }
}
