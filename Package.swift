// swift-tools-version: 6.0
// kraft: a unikernel toolchain. Targets are layered one way, each depending only on
// the ones above it in this list:
//   KraftModel    pure value types (Kraftfile, library manifests, options, lock); no I/O
//   KraftBasics   effects behind small protocols (files, processes, locks, terminal); SHA-256
//   KraftManifest YAML (libyaml, with line/column) -> model; diagnostics rendering
//   KraftFetch    libgit2, libarchive, content-addressed cache, mirrors, patches
//   KraftBuild    option resolution, build plan, ninja, link, images, QEMU runner
//   KraftCommands the command line (the only target importing ArgumentParser)
//   kraft         one-file entry point
import PackageDescription

let package = Package(
  name: "kraft",
  products: [
    .executable(name: "kraft", targets: ["kraft"])
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
  ],
  targets: [
    .systemLibrary(
      name: "CLibYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
    .systemLibrary(
      name: "CLibGit2", pkgConfig: "libgit2", providers: [.apt(["libgit2-dev"])]),
    .systemLibrary(
      name: "CLibArchive", pkgConfig: "libarchive", providers: [.apt(["libarchive-dev"])]),
    // SHA-256 for archives, trees and patch sets (OpenSSL's assembly, not portable Swift).
    .systemLibrary(
      name: "CLibCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
    // HTTP(S) for the OCI registry client (docs/registries.md says why not AsyncHTTPClient).
    .systemLibrary(
      name: "CLibCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
    // fork + PR_SET_PDEATHSIG + exec for VM monitors, and signal forwarding (C: prctl is variadic).
    .systemLibrary(name: "CKraftSpawn"),

    .target(name: "KraftModel"),
    .target(name: "KraftBasics", dependencies: ["CLibCrypto"]),
    .target(name: "KraftManifest", dependencies: ["KraftModel", "KraftBasics", "CLibYAML"]),
    .target(
      name: "KraftFetch",
      dependencies: [
        "KraftModel", "KraftBasics", "KraftManifest", "CLibGit2", "CLibArchive", "CLibCurl",
      ]),
    .target(
      name: "KraftBuild",
      dependencies: ["KraftModel", "KraftBasics", "KraftManifest", "KraftFetch", "CKraftSpawn"]),
    .target(
      name: "KraftCommands",
      dependencies: [
        "KraftModel", "KraftBasics", "KraftManifest", "KraftFetch", "KraftBuild",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    .executableTarget(name: "kraft", dependencies: ["KraftCommands", "KraftBasics"]),

    // Small: model and parsing, milliseconds each.
    .testTarget(name: "KraftModelTests", dependencies: ["KraftModel"]),
    .testTarget(name: "KraftBasicsTests", dependencies: ["KraftBasics"]),
    .testTarget(name: "KraftManifestTests", dependencies: ["KraftManifest"]),
    // Medium: libgit2/libarchive on local repositories and loopback servers.
    .testTarget(name: "KraftFetchTests", dependencies: ["KraftFetch", "KraftTestSupport"]),
    // Medium/large: plans, ninja builds, and images booted under QEMU TCG.
    .testTarget(name: "KraftBuildTests", dependencies: ["KraftBuild", "KraftTestSupport"]),
    .testTarget(name: "KraftCommandsTests", dependencies: ["KraftCommands"]),
    // Large: the built `kraft` binary run as a user would, images booted under QEMU TCG.
    // It depends on the executable so that `swift test` always builds it first, and on
    // KraftBuild only for the acceleration probe that decides whether the KVM runs apply.
    .testTarget(name: "KraftBootTests", dependencies: ["kraft", "KraftBuild", "KraftTestSupport"]),
    // What the test targets share: the `slow` tag and its tier condition, and fixtures built
    // once per run off Swift Testing's thread pool.
    .target(name: "KraftTestSupport", path: "Tests/KraftTestSupport"),
  ],
  // Swift 6 language mode (complete concurrency checking) for every target. KraftFetch's C
  // callbacks (libgit2, libarchive) qualify too: they run on the thread that called into the
  // library and reach their Swift state through an Unmanaged payload, capturing nothing.
  swiftLanguageModes: [.v6]
)
