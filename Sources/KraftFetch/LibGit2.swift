import CLibGit2

/// Process-wide libgit2 set-up and error translation. libgit2 needs one `git_libgit2_init`
/// before any call; it is reference-counted, so initialising once and never shutting down is
/// what a short-lived command wants.
enum LibGit2 {
  private static let initialized: Bool = {
    git_libgit2_init()
    return true
  }()

  static func ensureInitialized() { _ = initialized }

  /// The message libgit2 left for the last failure on this thread.
  static func lastError() -> String {
    guard let error = git_error_last(), let text = error.pointee.message else {
      return "unknown libgit2 error"
    }
    return String(cString: text)
  }

  static func check(_ status: Int32, _ context: @autoclosure () -> String) throws {
    guard status >= 0 else {
      throw FetchError.failed("\(context()): \(lastError())")
    }
  }

  static func oid(_ hex: String) -> git_oid? {
    var id = git_oid()
    return git_oid_fromstr(&id, hex) == 0 ? id : nil
  }

  static func hex(_ id: git_oid) -> String {
    var copy = id
    var buffer = [CChar](repeating: 0, count: 41)
    git_oid_tostr(&buffer, 41, &copy)
    return String(cString: buffer)
  }
}
