import Foundation
import KraftBasics
import KraftFetch
import KraftModel
import Testing

@testable import KraftBuild

/// `kraft pkg`'s image format: kraftkit's layout of layers and platforms, reproducible digests,
/// referrers, and the tar writer and names it relies on.
@Suite struct OCIPackagerTests {
  let folder: String

  init() throws {
    folder =
      FileManager.default.temporaryDirectory
      .appendingPathComponent("kraft-oci-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
  }

  func write(_ name: String, _ text: String) throws -> String {
    let path = folder + "/" + name
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  /// Two targets (x86_64 with a release manifest and SBOM, arm64 without), one initrd.
  func inputs() throws -> [OCIPackageInput] {
    let config = try write(
      "config.json",
      #"{"CONFIG_A": true, "CONFIG_B": false, "CONFIG_N": 7, "CONFIG_S": "q\"x", "CONFIG_U": null}"#)
    let initrd = try write("app.initrd", "cpio bytes")
    return [
      OCIPackageInput(
        target: Target(platform: .qemu, architecture: .arm64),
        kernel: try write("app_qemu-arm64", "arm64 kernel"), initrd: initrd, configJSON: config),
      OCIPackageInput(
        target: Target(platform: .qemu, architecture: .x86_64),
        kernel: try write("app_qemu-x86_64", "x86 kernel"), initrd: initrd, configJSON: config,
        releaseManifest: try write("app_qemu-x86_64.release.json", #"{"formatVersion":1}"#),
        billOfMaterials: try write("app_qemu-x86_64.spdx.json", #"{"spdxVersion":"SPDX-2.3"}"#)),
    ]
  }

  func pack(into name: String, created: Int? = 1_700_000_000) throws -> (OCILayout, OCIPackager.Result) {
    let layout = OCILayout(root: folder + "/" + name)
    let result = try OCIPackager(layout: layout, created: created, command: ["--verbose"])
      .pack(try inputs(), name: "app:1.0")
    return (layout, result)
  }

  /// The file a one-file tar layer holds: its path and contents.
  func tarEntry(_ tar: Data) -> (path: String, contents: String) {
    let bytes = [UInt8](tar)
    let path = String(decoding: bytes[0..<100].prefix { $0 != 0 }, as: UTF8.self)
    let size = Int(String(decoding: bytes[124..<135], as: UTF8.self), radix: 8)!
    return (path, String(decoding: bytes[512..<(512 + size)], as: UTF8.self))
  }

  @Test func eachTargetIsAManifestOfKraftkitsLayersInOneIndex() throws {
    let (layout, result) = try pack(into: "a")
    #expect(try layout.resolve("app:1.0")?.digest == result.index.digest)
    let index = try layout.readIndex(result.index.digest)
    let features = [#"CONFIG_A=y"#, #"CONFIG_N=7"#, #"CONFIG_S="q\"x""#]
    #expect(
      index.manifests.map(\.platform) == [
        OCIPlatform(
          architecture: "arm64", os: "qemu", osVersion: KraftVersion.current, osFeatures: features),
        OCIPlatform(
          architecture: "x86_64", os: "qemu", osVersion: KraftVersion.current, osFeatures: features),
      ])
    let x86 = try layout.readManifest(index.manifests[1].digest)
    #expect(x86.layers.map(\.mediaType) == Array(repeating: OCIMediaType.layerTar, count: 3))
    #expect(x86.layers[0].annotations == [OCIAnnotation.unikraftKernelImage: "/unikraft/bin/kernel"])
    #expect(x86.layers[1].annotations == [OCIAnnotation.unikraftKernelInitrd: "/unikraft/bin/initrd"])
    let files = try x86.layers.map { tarEntry(try layout.readBlob($0.digest)) }
    #expect(files[0] == ("unikraft/bin/kernel", "x86 kernel"))
    #expect(files[1] == ("unikraft/bin/initrd", "cpio bytes"))
    #expect(
      files[2] == (
        "unikraft/bin/config",
        "CONFIG_A=y\n# CONFIG_B is not set\nCONFIG_N=7\nCONFIG_S=\"q\\\"x\"\n"
      ))
    #expect(x86.annotations?[OCIAnnotation.unikraftKernelPlat] == "qemu")
    #expect(x86.annotations?[OCIAnnotation.unikraftKernelArch] == "x86_64")
    #expect(x86.annotations?[OCIAnnotation.created] == "2023-11-14T22:13:20Z")

    let config = try CanonicalJSON.decode(OCIImageConfig.self, from: layout.readBlob(x86.config.digest))
    #expect(config.os == "qemu" && config.architecture == "x86_64")
    #expect(config.osFeatures == features)
    #expect(config.rootfs.diffIDs == x86.layers.map(\.digest))
    #expect(config.config.cmd == ["--verbose"])
  }

  /// What kraftkit's reader checks before it looks at layers (its `oci/manager.go` and
  /// `oci/pack.go`): `sh.kraftkit.version` on the index and on each index entry (entries
  /// without it are skipped), the platform in Unikraft's names on the entry (compared verbatim
  /// with `x86_64`/`arm64`), and the platform on the manifest's config descriptor (read there
  /// without a nil check).
  @Test func kraftkitsReaderFindsEveryImage() throws {
    let (layout, result) = try pack(into: "a")
    let index = try layout.readIndex(result.index.digest)
    #expect(index.annotations?[OCIAnnotation.kraftkitVersion] == "kraft " + KraftVersion.current)
    #expect(index.manifests.map { $0.platform?.architecture } == ["arm64", "x86_64"])
    for entry in index.manifests {
      let manifest = try layout.readManifest(entry.digest)
      #expect(entry.annotations?[OCIAnnotation.kraftkitVersion] != nil)
      #expect(entry.annotations == manifest.annotations)
      #expect(manifest.config.platform == entry.platform)
      #expect(manifest.config.platform?.os == "qemu")
    }
  }

  /// `kraft run REF` boots the image of the architecture asked for (`-m`, else the host's)
  /// among a package's, on the platform given (`--plat`) or any.
  @Test func runPicksTheImageOfTheArchitectureAndPlatformAskedFor() throws {
    let (layout, result) = try pack(into: "a")
    for (architecture, kernel) in [(Architecture.x86_64, "x86 kernel"), (.arm64, "arm64 kernel")] {
      let image = try PackageImage.select(
        layout: layout, root: result.index, platform: nil, architecture: architecture)
      #expect(image.kernel == Data(kernel.utf8))
      #expect(image.target == Target(platform: .qemu, architecture: architecture))
    }
    let missing = #expect(throws: FetchError.self) {
      try PackageImage.select(
        layout: layout, root: result.index, platform: .firecracker, architecture: .x86_64)
    }
    #expect(
      missing?.message.contains("has qemu/arm64, qemu/x86_64") == true, "\(String(describing: missing))")
  }

  @Test func theSameInputsPackToTheSameDigestAndOnlyTheDateChangesIt() throws {
    let first = try pack(into: "a").1.index
    let second = try pack(into: "b").1.index
    #expect(first == second)
    // The index.json files are byte for byte the same too (a tar of the layout repeats them).
    #expect(
      try Data(contentsOf: URL(fileURLWithPath: folder + "/a/index.json"))
        == Data(contentsOf: URL(fileURLWithPath: folder + "/b/index.json")))
    let later = try pack(into: "c", created: 1_700_000_001).1.index
    #expect(later.digest != first.digest)
  }

  @Test func packingANameAgainDropsWhatItPointedAtBefore() throws {
    let (layout, first) = try pack(into: "a")
    let before = try layout.blobDigests()
    let layoutAgain = OCILayout(root: layout.root)
    let second = try OCIPackager(layout: layoutAgain, created: 1_700_000_001).pack(
      try inputs(), name: "app:1.0")
    #expect(second.index.digest != first.index.digest)
    #expect(!layout.hasBlob(first.index.digest))
    // Same count: every dated document was replaced, the layers are shared.
    #expect(try layout.blobDigests().count == before.count)
  }

  @Test func aReleaseManifestAndBillOfMaterialsAreReferrersOfTheImageManifest() throws {
    let (layout, result) = try pack(into: "a")
    let x86 = try #require(result.manifests.first { $0.target.architecture == .x86_64 }).descriptor
    #expect(result.referrers.map(\.artifactType) == [OCIMediaType.kraftRelease, OCIMediaType.spdxJSON])
    for referrer in result.referrers {
      let manifest = try layout.readManifest(referrer.digest)
      #expect(manifest.subject?.digest == x86.digest)
      #expect(manifest.config.mediaType == OCIMediaType.empty)
      #expect(manifest.config.digest.hex == SHA256.hex(of: "{}"))
    }
    let release = try layout.readManifest(result.referrers[0].digest).layers[0]
    #expect(String(decoding: try layout.readBlob(release.digest), as: UTF8.self) == #"{"formatVersion":1}"#)
    #expect(release.annotations?[OCIAnnotation.title] == "app_qemu-x86_64.release.json")

    // Removing the package removes its referrers with it.
    #expect(try layout.removeReference("app:1.0"))
    #expect(try layout.blobDigests().isEmpty)
    #expect(try layout.readIndexFile().manifests.isEmpty)
  }

  @Test func aPlainBuildIsDatedBySourceDateEpochElseNow() throws {
    let plain = try inputs().map { input -> OCIPackageInput in
      var input = input
      input.releaseManifest = nil
      return input
    }
    #expect(
      try OCIPackageInput.creationTime(
        plain, environment: ["SOURCE_DATE_EPOCH": "1234"], fileSystem: LocalFileSystem()) == 1234)
    let now = Int(Date().timeIntervalSince1970)
    #expect(
      try OCIPackageInput.creationTime(plain, environment: [:], fileSystem: LocalFileSystem()) >= now)
  }

  @Test func targetTagsNameEachManifest() throws {
    let layout = OCILayout(root: folder + "/t")
    let result = try OCIPackager(layout: layout, created: nil).pack(
      try inputs(), name: "latest", targetTags: true)
    #expect(try layout.references().map(\.name) == ["latest", "latest-qemu-arm64", "latest-qemu-x86_64"])
    #expect(try layout.resolve("latest-qemu-arm64")?.digest == result.manifests[0].descriptor.digest)
    // Without a date nothing is dated.
    let manifest = try layout.readManifest(result.manifests[0].descriptor.digest)
    #expect(manifest.annotations?[OCIAnnotation.created] == nil)
  }

  @Test func theSummaryCountsEveryBlobOnce() throws {
    let (layout, result) = try pack(into: "a")
    let summary = try #require(try OCIPackageSummary.all(in: layout).first)
    #expect(summary.targets == ["qemu/arm64", "qemu/x86_64"])
    // The package: index, 2 manifests, 2 configs, 2 kernels, and the initrd and config layers
    // both targets share; the referrers (2 manifests, 2 files, the shared `{}`) are not in it.
    var referrerBlobs = Set(result.referrers.map(\.digest))
    for referrer in result.referrers {
      let manifest = try layout.readManifest(referrer.digest)
      referrerBlobs.formUnion([manifest.config.digest] + manifest.layers.map(\.digest))
    }
    let blobs = try layout.blobDigests()
    #expect(blobs.count == 9 + referrerBlobs.count)
    let packageBytes = try blobs.filter { !referrerBlobs.contains($0) }
      .map { try layout.readBlob($0).count }.reduce(0, +)
    #expect(summary.size == Int64(packageBytes))
  }

  @Test func aTarIsWhatHostTarReads() throws {
    var tar = TarWriter(modificationTime: 1_700_000_000)
    try tar.addDirectory("blobs")
    try tar.addFile("blobs/a.txt", contents: Data("hello\n".utf8), mode: 0o640)
    let long = String(repeating: "d", count: 90) + "/" + String(repeating: "f", count: 60)
    try tar.addFile(long, contents: Data(count: 513))
    let path = folder + "/x.tar"
    try tar.finished().write(to: URL(fileURLWithPath: path))
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["tar", "--numeric-owner", "--full-time", "-tvf", path]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let listing = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    let lines = listing.split(separator: "\n").map {
      $0.split(separator: " ", omittingEmptySubsequences: true)
    }
    #expect(lines.map { String($0.last!) } == ["blobs/", "blobs/a.txt", long])
    #expect(lines[1].prefix(3) == ["-rw-r-----", "0/0", "6"])
    #expect(lines[1][3] == "2023-11-14")
    #expect(lines[2][2] == "513")
  }

  @Test func packageNamesTakeATagOrGetLatest() {
    #expect(OCIPackageReference("hello")?.description == "hello:latest")
    #expect(OCIPackageReference("hello:1.0")?.description == "hello:1.0")
    #expect(
      OCIPackageReference("localhost:5000/team/hello")?.description == "localhost:5000/team/hello:latest")
    #expect(OCIPackageReference("localhost:5000/team/hello:2")?.tag == "2")
    #expect(OCIPackageReference("bad name") == nil)
    #expect(OCIPackageReference("hello:") == nil)
    #expect(OCIPackageReference(projectName: "HelloWorld")?.description == "helloworld:latest")
  }
}
