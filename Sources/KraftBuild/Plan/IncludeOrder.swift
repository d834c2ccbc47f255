import KraftBasics

/// The include folders libraries export, in one order for every image when their order
/// cannot matter. They come in the order the image's libraries were resolved, which differs
/// between images that select the same libraries for different reasons (a network image
/// pulls `posix-socket` in before `vfs`, another after), and every compile command, and so
/// the compile cache's direct-mode key and a port's prebuilt key (`PrebuiltKey`), changes
/// with it. The order decides which folder's header wins only when two folders hold a file
/// at the same relative path (`#include`, `#include_next` and `__has_include` find the same
/// file otherwise), so the folders are sorted when none do, and kept as they came when any do
/// or when one holds a link to a folder (whose files the walk does not look at).
struct IncludeOrder {
  var fileSystem: FileSystem

  func canonical(_ folders: [String]) throws -> [String] {
    var unique: [String] = []
    for folder in folders where !unique.contains(folder) { unique.append(folder) }
    let sorted = unique.sorted()
    guard sorted != folders else { return folders }
    var owners: [String: String] = [:]
    var linkedFolder = false
    for folder in unique where fileSystem.isDirectory(folder) {
      let files = try fileSystem.walkFiles(folder) { path in
        if fileSystem.isSymbolicLink(path) && fileSystem.isDirectory(path) { linkedFolder = true }
        return false
      }
      if linkedFolder { return folders }
      for file in files {
        if let owner = owners[file], owner != folder { return folders }
        owners[file] = folder
      }
    }
    return sorted
  }
}
