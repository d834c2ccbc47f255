import Foundation
import KraftBasics
import KraftFetch

/// `kraft pkg --output tar:FILE`: an OCI image layout as one tar (what skopeo calls
/// `oci-archive:FILE`). The entries are the layout's files in name order with one
/// modification time, so the same layout always gives the same bytes. The file is written
/// atomically (temporary file renamed into place).
public enum OCILayoutArchive {
  public static func write(
    _ layout: OCILayout, to path: String, modificationTime: Int,
    fileSystem: any FileSystem = LocalFileSystem()
  ) throws {
    var tar = TarWriter(modificationTime: modificationTime)
    do {
      try tar.addFile(
        "oci-layout", contents: try fileSystem.readData(layout.layoutMarkerPath))
      try tar.addFile("index.json", contents: try fileSystem.readData(layout.indexPath))
      try tar.addDirectory("blobs")
      try tar.addDirectory("blobs/sha256")
      for digest in try layout.blobDigests() {
        try tar.addFile(digest.layoutPath, contents: try layout.readBlob(digest))
      }
    } catch let error as TarWriter.Failure {
      throw OutputError(.internal, message: error.description)
    }
    try fileSystem.writeData(tar.finished(), to: path)
  }
}
