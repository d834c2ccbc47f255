import Foundation
import KraftBasics
import Testing

@testable import KraftBuild

@Suite struct TreeMentionFilesTests {
  static func scratch() throws -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "kraft-tree-mentions-\(UUID().uuidString)"
    ).path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    return folder
  }

  @Test func aTreesNamesAreRecalledUnderItsIdentityOnly() throws {
    let folder = try Self.scratch()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let memos = folder + "/mentions"
    let names: Set<String> = ["CONFIG_A", "CONFIG_B", OptionMentions.everyOption]
    TreeMentionFiles(directory: memos, identities: ["/t": "tree-1"]).remember(names, tree: "/t")

    #expect(TreeMentionFiles(directory: memos, identities: ["/t": "tree-1"]).recalled(tree: "/t") == names)
    // The same folder holding another tree (a new pin, patch or preparation): read again.
    #expect(TreeMentionFiles(directory: memos, identities: ["/t": "tree-2"]).recalled(tree: "/t") == nil)
    // A tree kraft did not fetch has no identity: never remembered, never recalled.
    let unknown = TreeMentionFiles(directory: memos, identities: [:])
    unknown.remember(names, tree: "/u")
    #expect(unknown.recalled(tree: "/u") == nil)
    #expect(try FileManager.default.contentsOfDirectory(atPath: memos).count == 1)
  }

  @Test func aMemoNamingAnotherIdentityIsIgnored() throws {
    let folder = try Self.scratch()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let memo = MemoFolder(directory: folder)
    // A file under tree-1's name that says it is tree-2's (copied, or a collision).
    memo.write(TreeMentionFiles.header + "\ntree-2\nCONFIG_A\n", for: "tree-1")
    #expect(TreeMentionFiles(directory: folder, identities: ["/t": "tree-1"]).recalled(tree: "/t") == nil)
    memo.write(TreeMentionFiles.header + "\ntree-1\nCONFIG_A\n", for: "tree-1")
    #expect(
      TreeMentionFiles(directory: folder, identities: ["/t": "tree-1"]).recalled(tree: "/t") == ["CONFIG_A"])
  }
}
