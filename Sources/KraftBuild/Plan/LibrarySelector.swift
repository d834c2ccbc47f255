import KraftModel

/// Chooses the libraries of one image: the target's architecture and platform libraries, the
/// libraries the Kraftfile names or enables (`CONFIG_LIB<NAME>=y`), everything they require,
/// and for each required capability exactly one provider.
struct LibrarySelector {
  let catalog: [LibraryManifest]
  let target: Target

  struct Selection {
    var libraries: [LibraryManifest]
    /// Why each library is in (for `kraft config explain CONFIG_LIB...`).
    var reasons: [String: String]
    /// What the build should tell about choices it made on its own (a default replaced, an
    /// implied driver missing for the target).
    var notes: [Diagnostic] = []
  }

  /// `enabled` holds the explicit `CONFIG_LIB<NAME>` settings: true for y, false for n.
  func select(
    named: [(name: String, location: SourceLocation?)],
    enabled: [String: (on: Bool, setting: OptionSetting)]
  ) -> (Selection, [Diagnostic]) {
    var problems: [Diagnostic] = []
    var selected: [LibraryManifest] = []
    var reasons: [String: String] = [:]
    var notes: [Diagnostic] = []
    var queue: [LibraryManifest] = []
    let byName = Dictionary(catalog.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })

    func explicitlyOff(_ library: LibraryManifest) -> OptionSetting? {
      guard let entry = enabled[library.name], !entry.on else { return nil }
      return entry.setting
    }

    func add(_ library: LibraryManifest, reason: String, at location: SourceLocation? = nil) {
      guard reasons[library.name] == nil else { return }
      guard library.supports(target) else {
        problems.append(
          Diagnostic(
            .error,
            "library '\(library.name)' does not support target '\(target.shortForm)' (\(reason))",
            at: location))
        return
      }
      if let off = explicitlyOff(library) {
        problems.append(
          Diagnostic(
            .error,
            "library '\(library.name)' is needed (\(reason)) but '\(library.enableOption)' is set to n by \(off.origin); remove that setting",
            at: off.location ?? location))
        return
      }
      reasons[library.name] = reason
      selected.append(library)
      queue.append(library)
    }

    // The architecture and the platform come first: their flags apply to everything.
    for (kind, wanted) in [
      (LibraryManifest.Kind.arch, target.architecture.rawValue),
      (.platform, target.platform.rawValue),
    ] {
      // By the documented name (`arch-x86_64`, `plat-qemu`), else by an explicit list.
      let named = "\(kind == .arch ? "arch" : "plat")-\(wanted)"
      let explicit = catalog.first {
        $0.kind == kind && $0.supports(target)
          && (kind == .arch ? $0.architectures != nil : $0.platforms != nil)
      }
      if let library = byName[named].flatMap({ $0.kind == kind ? $0 : nil }) ?? explicit {
        add(library, reason: "\(kind.rawValue) of target '\(target.shortForm)'")
      } else {
        problems.append(
          Diagnostic(
            .error,
            "no \(kind.rawValue) library for '\(wanted)' (target '\(target.shortForm)'); the kernel has none under 'Kernel/\(kind == .arch ? "arch" : "plat")/'",
            at: target.location))
      }
    }
    for (name, location) in named {
      if let library = byName[name] {
        add(library, reason: "listed in the Kraftfile", at: location)
      } else {
        problems.append(unknownLibrary(name, at: location))
      }
    }
    for library in catalog {
      if let entry = enabled[library.name], entry.on {
        add(
          library, reason: "'\(library.enableOption)=y' in \(entry.setting.origin)",
          at: entry.setting.location)
      }
    }

    // Requirements, breadth first. Capabilities are settled after names, so that a provider
    // the project enabled explicitly is seen before a default is picked, and the one with the
    // fewest candidates first: a provider that alone satisfies a narrow capability (lwip's
    // 'posix-libc': only musl) then also settles the broader one (kcore's 'libc'), where
    // settling the broader one first would pick its default (nolibc) and clash. What libraries
    // `implies` comes last, once everything required is in: a default, never a failure.
    var pendingCapabilities: [(capability: String, requiredBy: String)] = []
    var pendingImplied: [(name: String, impliedBy: String)] = []
    func availableProviders(of capability: String) -> [LibraryManifest] {
      catalog.filter { $0.provides.contains(capability) && $0.supports(target) && explicitlyOff($0) == nil }
    }
    func isProvided(_ capability: String) -> Bool {
      selected.contains { $0.provides.contains(capability) }
    }
    func settle(_ capability: String, requiredBy: String) {
      if isProvided(capability) { return }
      let candidates = availableProviders(of: capability)
      if let choice = Self.defaultProvider(of: capability, among: candidates) {
        notes += replacedDefaults(
          by: choice, settling: capability, requiredBy: requiredBy,
          stillPending: pendingCapabilities.map(\.capability), candidates: availableProviders)
        add(choice, reason: "provides '\(capability)' required by '\(requiredBy)'")
      } else if candidates.isEmpty {
        problems.append(
          Diagnostic(
            .error,
            "library '\(requiredBy)' requires '\(capability)', but no library or capability of that name is available for '\(target.shortForm)'"
          ))
      } else {
        let options = candidates.map { "'\($0.enableOption)=y'" }.joined(separator: " or ")
        problems.append(
          Diagnostic(
            .error,
            "library '\(requiredBy)' requires '\(capability)' and several libraries provide it; pick one with \(options)"
          ))
      }
    }
    func settleImplied(_ name: String, impliedBy: String) {
      if let library = byName[name] {
        if reasons[name] == nil, library.supports(target), explicitlyOff(library) == nil {
          add(library, reason: "implied by '\(impliedBy)'")
        }
        return
      }
      if isProvided(name) { return }
      let candidates = availableProviders(of: name)
      if let choice = Self.defaultProvider(of: name, among: candidates) {
        add(choice, reason: "provides '\(name)' implied by '\(impliedBy)'")
      } else if catalog.contains(where: { $0.provides.contains(name) && explicitlyOff($0) != nil }) {
        return  // the project turned the provider off: its choice, nothing to say
      } else if candidates.isEmpty {
        notes.append(
          Diagnostic(
            .note,
            "'\(impliedBy)' implies '\(name)', but no library provides it for '\(target.shortForm)'; the image is built without one"
          ))
      } else {
        let options = candidates.map { "'\($0.enableOption)=y'" }.joined(separator: " or ")
        notes.append(
          Diagnostic(
            .note,
            "'\(impliedBy)' implies '\(name)' and several libraries provide it; the image has none until one is picked with \(options)"
          ))
      }
    }
    while true {
      while !queue.isEmpty {
        let library = queue.removeFirst()
        for requirement in library.requires {
          if let required = byName[requirement] {
            add(required, reason: "required by '\(library.name)'")
          } else {
            pendingCapabilities.append((requirement, library.name))
          }
        }
        pendingImplied += library.implies.map { ($0, library.name) }
      }
      // Already provided (-1: nothing left to choose) first, then by how few candidates.
      let narrowest = pendingCapabilities.indices.min { first, second in
        let counts = [first, second].map { index in
          let capability = pendingCapabilities[index].capability
          return isProvided(capability) ? -1 : availableProviders(of: capability).count
        }
        return counts[0] < counts[1]
      }
      if let index = narrowest {
        let (capability, requiredBy) = pendingCapabilities.remove(at: index)
        settle(capability, requiredBy: requiredBy)
      } else if !pendingImplied.isEmpty {
        let (name, impliedBy) = pendingImplied.removeFirst()
        settleImplied(name, impliedBy: impliedBy)
      } else {
        break
      }
    }

    // Exactly one provider per capability.
    var providers: [String: [LibraryManifest]] = [:]
    for library in selected {
      for capability in library.provides { providers[capability, default: []].append(library) }
    }
    for (capability, libraries) in providers.sorted(by: { $0.key < $1.key }) where libraries.count > 1 {
      let first = libraries[0]
      let second = libraries[1]
      problems.append(
        Diagnostic(
          .error,
          "'\(first.name)' (\(reasons[first.name] ?? "selected")) and '\(second.name)' (\(reasons[second.name] ?? "selected")) both provide '\(capability)'; an image needs exactly one: set '\(second.enableOption)=n' or '\(first.enableOption)=n'",
          at: enabled[second.name]?.setting.location ?? enabled[first.name]?.setting.location))
    }
    return (Selection(libraries: selected, reasons: reasons, notes: notes), problems)
  }

  /// The provider a capability gets when the project names none: the one whose `default-for`
  /// lists it, else the only one.
  static func defaultProvider(of capability: String, among candidates: [LibraryManifest])
    -> LibraryManifest?
  {
    candidates.first { $0.defaultFor.contains(capability) }
      ?? (candidates.count == 1 ? candidates.first : nil)
  }

  /// Notes for the still-pending capabilities `choice` also provides whose default is another
  /// library: the image gets `choice` there instead, and the user should hear why (musl as the
  /// libc of an image with lwip, where nolibc is the default).
  private func replacedDefaults(
    by choice: LibraryManifest, settling capability: String, requiredBy: String, stillPending: [String],
    candidates: (String) -> [LibraryManifest]
  ) -> [Diagnostic] {
    choice.provides.filter { $0 != capability && stillPending.contains($0) }.compactMap { other in
      let usual = Self.defaultProvider(of: other, among: candidates(other))
      guard let usual, usual.name != choice.name else { return nil }
      return Diagnostic(
        .note,
        "'\(choice.name)' is the image's '\(other)' rather than the default '\(usual.name)': '\(requiredBy)' requires '\(capability)', which '\(choice.name)' provides"
      )
    }
  }

  private func unknownLibrary(_ name: String, at location: SourceLocation?) -> Diagnostic {
    var message = "unknown library '\(name)'"
    if let close = Suggestion.closest(to: name, in: catalog.map(\.name)) {
      message += "; did you mean '\(close)'?"
    } else {
      message += "; known libraries: \(catalog.map { "'\($0.name)'" }.joined(separator: ", "))"
    }
    return Diagnostic(.error, message, at: location)
  }
}
