/// What a Unikraft-style `Makefile.uk` declares for kraft: one or more libraries (usually
/// the app), each with sources, flags and include folders. Paths are absolute.
public struct MakefileUk: Hashable, Sendable {
  public struct Library: Hashable, Sendable {
    /// As given to `addlib` (`apphelloworld`).
    public var name: String
    public var sources: [String]
    public var cflags: [String]
    public var asflags: [String]
    /// Folders given with `-I` in `*_CINCLUDES` / `*_ASINCLUDES`.
    public var includes: [String]

    public init(
      name: String, sources: [String] = [], cflags: [String] = [], asflags: [String] = [],
      includes: [String] = []
    ) {
      self.name = name
      self.sources = sources
      self.cflags = cflags
      self.asflags = asflags
      self.includes = includes
    }
  }

  public var libraries: [Library]

  public init(libraries: [Library]) { self.libraries = libraries }
}
