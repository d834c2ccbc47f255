import KraftBasics
import KraftModel

/// The normalised project as `kraft validate` prints it for people: aliases resolved, short
/// forms expanded and `${VAR}` substituted, so users see what kraft will actually use.
enum KraftfileSummary {
  static func text(for kraftfile: Kraftfile, path: String) -> String {
    var lines = ["\(path) is valid"]
    func row(_ key: String, _ value: String?) {
      guard let value, !value.isEmpty else { return }
      lines.append("  " + key.padding(to: 10) + value)
    }
    row("spec", kraftfile.spec)
    row("name", kraftfile.name)
    row("directory", kraftfile.directory)
    row("unikraft", kraftfile.unikraft.map { describe($0, named: false) })
    for library in kraftfile.libraries { row("library", describe(library)) }
    for target in kraftfile.targets {
      var text = target.shortForm
      if let name = target.name { text += " (\(name))" }
      if !target.kconfig.isEmpty { text += " " + assignments(target.kconfig) }
      row("target", text)
    }
    if !kraftfile.kconfig.isEmpty { row("kconfig", assignments(kraftfile.kconfig)) }
    if !kraftfile.cmd.isEmpty { row("cmd", kraftfile.cmd.map(ShellQuoting.quote).joined(separator: " ")) }
    for variable in kraftfile.env { row("env", "\(variable.name)=\(variable.value)") }
    row("rootfs", kraftfile.rootfs.map(kraftfile.resolvedPath))
    for volume in kraftfile.volumes {
      row(
        "volume",
        "\(kraftfile.resolvedPath(volume.source)) -> \(volume.destination)"
          + (volume.readOnly ? " (read-only)" : "") + (volume.driver.map { " [\($0)]" } ?? ""))
    }
    row("runtime", kraftfile.runtime)
    row("template", kraftfile.template.map { describe($0) })
    row("outdir", kraftfile.outdir.map(kraftfile.resolvedPath))
    for key in kraftfile.labels.keys.sorted() { row("label", "\(key)=\(kraftfile.labels[key]!)") }
    for key in kraftfile.extensions.keys.sorted() {
      row("extension", "\(key) (kept, not interpreted)")
    }
    return lines.joined(separator: "\n")
  }

  private static func describe(_ component: Component, named: Bool = true) -> String {
    var parts = named ? [component.name] : []
    switch component.source {
    case .path(let path): parts.append("path \(path)")
    case .git(let url, let ref):
      parts.append("git \(url)")
      switch ref {
      case .branch(let name): parts.append("branch \(name)")
      case .tag(let name): parts.append("tag \(name)")
      case .ref(let name): parts.append("ref \(name)")
      case nil: break
      }
    case .archive(let url): parts.append("archive \(url)")
    case nil: break
    }
    parts.append("version \(component.version ?? "default")")
    if !component.kconfig.isEmpty { parts.append(assignments(component.kconfig)) }
    return parts.joined(separator: ", ")
  }

  private static func assignments(_ list: [KConfigAssignment]) -> String {
    list.map { "\($0.name)=\($0.value)" }.joined(separator: " ")
  }
}

extension String {
  fileprivate func padding(to width: Int) -> String {
    count >= width ? self + " " : self + String(repeating: " ", count: width - count)
  }
}
