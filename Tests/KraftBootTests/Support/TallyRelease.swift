import Foundation
import Testing

/// `tally-1.2.tar.gz`: an upstream-like release of a small C library, as `kraft port new` meets
/// one in the wild: the library's source and header in src/, a command-line program with its
/// own `main` beside them (which a port must leave out), a README, a Makefile and an MIT
/// LICENSE. Packed reproducibly (sorted names, fixed times and owners), so two calls give the
/// same bytes and the same compile-cache keys.
enum TallyRelease {
  static let files = [
    "LICENSE": """
    Copyright (c) 2026 Tally authors

    Permission is hereby granted, free of charge, to any person obtaining a copy
    of this software and associated documentation files (the "Software"), to deal
    in the Software without restriction.
    """,
    "README": "tally: counts letters.\n",
    "Makefile": "all:\n\tcc -o tally src/*.c\n",
    "src/tally.h": "#ifndef TALLY_H\n#define TALLY_H\nint tally_letters(const char *text);\n#endif\n",
    "src/tally.c": """
    #include <ctype.h>
    #include <string.h>
    #include "tally.h"

    int tally_letters(const char *text) {
      int n = 0;
      for (size_t i = 0; i < strlen(text); i++)
        if (isalpha((unsigned char)text[i])) n++;
      return n;
    }
    """,
    "src/tallycli.c": """
    #include <stdio.h>
    #include "tally.h"

    int main(int argc, char **argv) {
      for (int i = 1; i < argc; i++) printf("%d\\n", tally_letters(argv[i]));
      return 0;
    }
    """,
  ]

  /// Writes the release under `folder/upstream/` and returns the archive's path.
  static func archive(in folder: URL) throws -> String {
    let release = folder.appendingPathComponent("upstream/tally-1.2")
    for (path, text) in files {
      let url = release.appendingPathComponent(path)
      try FileManager.default.createDirectory(
        at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try (text + "\n").write(to: url, atomically: true, encoding: .utf8)
    }
    let archive = folder.appendingPathComponent("upstream/tally-1.2.tar.gz").path
    let tar = try HostTool.status([
      "tar", "--sort=name", "--mtime=@0", "--owner=0", "--group=0", "-czf", archive, "-C",
      release.deletingLastPathComponent().path, "tally-1.2",
    ])
    try #require(tar == 0, "tar could not pack the tally release")
    return archive
  }
}
