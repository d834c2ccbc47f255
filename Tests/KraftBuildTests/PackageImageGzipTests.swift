import Foundation
import KraftBasics
import KraftFetch
import KraftModel
import Testing

@testable import KraftBuild

/// `kraft run REF` on a package whose layers are `tar+gzip` (what skopeo, buildah and other
/// tools push): the compressed blob is verified by its digest as every blob is, the tar in it
/// by the config's diff ID, and the kernel found at kraftkit's path.
@Suite struct PackageImageGzipTests {
  static func gzip(_ data: Data) throws -> Data {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/gzip")
    process.arguments = ["-n", "-c"]
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try process.run()
    input.fileHandleForWriting.write(data)
    try input.fileHandleForWriting.close()
    let compressed = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return compressed
  }

  /// A one-platform package whose kernel layer is `layer` (a gzip stream) and whose config
  /// names `diffID`.
  static func package(layer: Data, diffID: OCIDigest) throws -> (OCILayout, OCIDescriptor) {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gzip-\(UUID().uuidString)")
    let layout = OCILayout(root: folder.path)
    try layout.create()
    let config = OCIImageConfig(
      created: nil, platform: OCIPlatform(architecture: "amd64", os: "qemu"),
      config: OCIImageConfig.ExecutionConfig(cmd: ["hello"]), diffIDs: [diffID])
    let configDescriptor = try layout.writeBlob(
      CanonicalJSON.encode(config), mediaType: OCIMediaType.imageConfig)
    let layerDescriptor = try layout.writeBlob(layer, mediaType: OCIMediaType.layerTarGzip)
    let manifest = try layout.writeManifest(
      OCIImageManifest(config: configDescriptor, layers: [layerDescriptor]))
    return (layout, manifest)
  }

  static let kernel = Data("\u{7f}ELF a kernel".utf8)

  static func kernelTar() throws -> Data {
    var tar = TarWriter(modificationTime: 0)
    try tar.addFile("unikraft/bin/kernel", contents: kernel, mode: 0o755)
    return tar.finished()
  }

  @Test func theKernelIsReadFromAGzipLayer() throws {
    let tar = try Self.kernelTar()
    let (layout, root) = try Self.package(layer: try Self.gzip(tar), diffID: OCILayout.digest(of: tar))
    let image = try PackageImage.select(layout: layout, root: root, platform: nil, architecture: .x86_64)
    #expect(image.kernel == Self.kernel && image.command == ["hello"])
  }

  @Test func aLayerThatIsNotItsDiffIDIsRefused() throws {
    let tar = try Self.kernelTar()
    let other = OCILayout.digest(of: Data("another tar".utf8))
    let (layout, root) = try Self.package(layer: try Self.gzip(tar), diffID: other)
    #expect {
      _ = try PackageImage.select(layout: layout, root: root, platform: nil, architecture: .x86_64)
    } throws: { error in
      (error as? FetchError)?.kind == .verificationFailed && "\(error)".contains("diff ID")
    }
  }

  @Test func aTruncatedGzipStreamIsRefused() throws {
    let tar = try Self.kernelTar()
    let compressed = try Self.gzip(tar)
    let (layout, root) = try Self.package(
      layer: compressed.prefix(compressed.count / 2), diffID: OCILayout.digest(of: tar))
    #expect {
      _ = try PackageImage.select(layout: layout, root: root, platform: nil, architecture: .x86_64)
    } throws: { error in
      (error as? FetchError)?.kind == .invalidInput && "\(error)".contains("not a valid gzip stream")
    }
  }
}
