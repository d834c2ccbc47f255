import ArgumentParser
import KraftBasics
import KraftBuild
import KraftFetch
import KraftManifest
import KraftModel

/// `kraft port update [NAME]`: moves a listed port (or every listed port) to the newest
/// version its recipe pins, fetching and verifying it.
struct PortUpdateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "update", abstract: "Move ports to the newest version their recipe pins.")

  @Argument(help: "The port (default: every port the Kraftfile lists).")
  var name: String?

  @Flag(help: "Only edit the Kraftfile.")
  var noFetch = false

  @OptionGroup var project: ProjectFolderOptions

  func run() throws {
    let context = try PortContext(project, requireProject: true)
    let loaded = try context.loadKraftfile()
    var editor = KraftfileEditor(text: loaded.text, file: loaded.location.displayPath)
    let listed = loaded.kraftfile.libraries
    let chosen =
      try name.map { wanted -> [Component] in
        guard let component = listed.first(where: { $0.name == wanted }) else {
          throw PortError(
            .usage, "'\(wanted)' is not in 'libraries:'; 'kraft port add \(wanted)' adds it")
        }
        return [component]
      } ?? listed
    var changed = 0
    for component in chosen {
      guard let entry = try? context.catalog.port(named: component.name) else { continue }
      let upstream = entry.description.recipe.upstream
      let newest = Self.newest(upstream.versions.map(\.version))
      // A channel counts as the version it resolves to: `latest` is left as written.
      let current = upstream.version(component.version)?.version ?? component.version ?? ""
      guard newest != current else { continue }
      try editor.setVersion(of: component.name, to: newest)
      print("\(component.name): \(current) -> \(newest)")
      changed += 1
    }
    if changed == 0 { print("every port is at the newest pinned version") }
    if noFetch {
      try context.writeKraftfile(editor.text, replacing: loaded)
    } else {
      PortContext.report(try context.writeAndLock(editor.text, replacing: loaded))
    }
  }

  /// The greatest version by numeric components (`3.0.9` < `3.0.20`), text compared last:
  /// the order channels resolve `latest` by.
  static func newest(_ versions: [String]) -> String {
    versions.max(by: Upstream.precedes) ?? ""
  }
}
