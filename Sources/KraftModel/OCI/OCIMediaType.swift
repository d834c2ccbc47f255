/// The media types kraft writes and reads. The OCI ones come from the image spec v1.1; the
/// Unikraft ones are kraftkit's, so kraftkit can pull and run what kraft pushes and the reverse.
public enum OCIMediaType {
  public static let imageIndex = "application/vnd.oci.image.index.v1+json"
  public static let imageManifest = "application/vnd.oci.image.manifest.v1+json"
  public static let imageConfig = "application/vnd.oci.image.config.v1+json"
  /// The empty descriptor (`{}`, 2 bytes) that artifact manifests use as their config.
  public static let empty = "application/vnd.oci.empty.v1+json"
  public static let layerTar = "application/vnd.oci.image.layer.v1.tar"
  public static let layerTarGzip = "application/vnd.oci.image.layer.v1.tar+gzip"

  /// kraftkit's kernel image layer.
  public static let unikraftImage = "application/vnd.unikraft.image.v1"
  /// kraftkit's initrd layer.
  public static let unikraftInitrd = "application/vnd.unikraft.initrd.v1"
}

/// Annotation keys of the OCI spec and of kraftkit (its `oci/annotations.go`).
public enum OCIAnnotation {
  public static let created = "org.opencontainers.image.created"
  public static let refName = "org.opencontainers.image.ref.name"
  public static let title = "org.opencontainers.image.title"

  public static let unikraftKernelPlat = "org.unikraft.kernel.plat"
  public static let unikraftKernelArch = "org.unikraft.kernel.arch"
  public static let unikraftKernelVersion = "org.unikraft.kernel.version"
  public static let unikraftKernelImage = "org.unikraft.kernel.image"
  public static let unikraftKernelInitrd = "org.unikraft.kernel.initrd"
  /// Prefix: `org.unikraft.kernel.kconfig.CONFIG_X` carries option `CONFIG_X`'s value.
  public static let unikraftKernelKConfigPrefix = "org.unikraft.kernel.kconfig."
  /// kraftkit lists only index entries (and local indexes) that carry this key, whatever its
  /// value (its `IsOCIDescriptorKraftKitCompatible`): kraft writes it with its own version.
  public static let kraftkitVersion = "sh.kraftkit.version"
}

extension OCIMediaType {
  /// kraft's release manifest (`<image>.release.json`), attached to an image as a referrer.
  public static let kraftRelease = "application/vnd.kraft.release.v1+json"
  /// An SPDX 2.3 JSON document (the bill of materials), attached as a referrer.
  public static let spdxJSON = "application/spdx+json"
}
