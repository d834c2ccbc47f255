import Foundation
import KraftBasics
import Testing

@testable import KraftBuild

/// What `kraft port new` infers from an upstream tree so that its recipe builds unedited.
@Suite struct PortScaffoldSurveyTests {
  static let mit = """
    Permission is hereby granted, free of charge, to any person obtaining a copy
    of this software and associated documentation files (the "Software"), to deal
    """

  /// Lua's layout: everything in src/, two programs with main, the licence in lua.h.
  @Test func luaLikeTreeGetsSrcHeadersNoProgramsAndLibc() throws {
    let fileSystem = InMemoryFileSystem(files: [
      "/t/Makefile": "all:\n",
      "/t/README": "see doc/\n",
      "/t/src/lapi.c": "#include <string.h>\n#include \"lua.h\"\nint lua_x(void) { return 0; }\n",
      "/t/src/lmathlib.c": "#  include <math.h>\n#include <stddef.h>\n",
      "/t/src/lua.c": "#include <stdio.h>\nint main (int argc, char **argv) {\n  return 0;\n}\n",
      "/t/src/luac.c": "static int pmain(void);\nint\nmain(int argc, char* argv[])\n{ return pmain(); }\n",
      "/t/src/lua.h": "/*\n* \(Self.mit.replacingOccurrences(of: "\n", with: "\n* "))\n*/\n",
    ])
    let survey = try PortSourceSurvey.survey(tree: "/t", fileSystem: fileSystem)
    #expect(survey.sources == ["src/lapi.c", "src/lmathlib.c"])
    #expect(survey.programs == ["src/lua.c", "src/luac.c"])
    #expect(survey.includes == ["src"])
    // <stdio.h> is included by the programs only, which are not compiled.
    #expect(survey.libcHeaders == ["math.h", "string.h"])
    let license = LicenseDetector.detect(tree: "/t", headerFolders: survey.includes, fileSystem: fileSystem)
    #expect(license == LicenseDetector.Finding(identifier: "MIT", file: "src/lua.h"))
  }

  @Test func freestandingCodeNeedsNoLibcAndIncludeFolderWins() throws {
    let fileSystem = InMemoryFileSystem(files: [
      "/t/include/x.h": "#include <stdint.h>\n",
      "/t/x.c": "#include <stddef.h>\n#include <stdarg.h>\nint x(void) { return main_count; }\n",
      "/t/y.c": "int helper(void);\n  int main(void) { return 0; }\nint main(void);\n",
    ])
    let survey = try PortSourceSurvey.survey(tree: "/t", fileSystem: fileSystem)
    // An indented `main` or a declaration is not a definition at file scope.
    #expect(survey.sources == ["x.c", "y.c"])
    #expect(survey.programs == [])
    #expect(survey.includes == ["include"])
    #expect(survey.libcHeaders == [])
  }

  @Test(arguments: [
    (PortScaffoldSurveyTests.mit, "MIT"),
    (
      "Redistribution and use in source and binary forms, with or without\nmodification, are permitted",
      "BSD-2-Clause"
    ),
    (
      "Redistribution and use in source and binary forms, with or without modification...\n"
        + "3. Neither the name of the copyright holder nor", "BSD-3-Clause"
    ),
    (
      "                                 Apache License\n                           Version 2.0, January 2004",
      "Apache-2.0"
    ),
    ("GNU GENERAL PUBLIC LICENSE\nVersion 2, June 1991", "GPL-2.0-only"),
    (
      "GNU General Public License as published by\n the Free Software Foundation; either version 3 of the License, or\n (at your option) any later version.",
      "GPL-3.0-or-later"
    ),
    ("GNU LESSER GENERAL PUBLIC LICENSE\nVersion 2.1, February 1999", "LGPL-2.1-only"),
    (
      "This software is provided 'as-is', without any express or implied\nwarranty. ...\n"
        + "Permission is granted to anyone to use this software for any purpose,", "Zlib"
    ),
    (
      "Permission to use, copy, modify, and/or distribute this software for any\npurpose with or without fee",
      "ISC"
    ),
  ])
  func licenceTextsAreNamed(text: String, identifier: String) {
    #expect(LicenseDetector.identify(text) == identifier)
  }

  @Test func unknownLicenceIsNotGuessed() throws {
    #expect(LicenseDetector.identify("All rights reserved. Do not copy.") == nil)
    let fileSystem = InMemoryFileSystem(files: ["/t/COPYING": "proprietary\n", "/t/a.c": ""])
    #expect(LicenseDetector.detect(tree: "/t", headerFolders: ["."], fileSystem: fileSystem) == nil)
  }

  @Test func homepageComesFromTheDownloadURL() {
    #expect(
      PortScaffold.homepage(of: .archive(url: "https://www.lua.org/ftp/lua-5.4.4.tar.gz"))
        == "https://www.lua.org/")
    #expect(
      PortScaffold.homepage(of: .git(url: "https://github.com/madler/zlib.git", tag: "v1.3"))
        == "https://github.com/madler/zlib")
    #expect(PortScaffold.homepage(of: .archive(url: "file:///tmp/x-1.0.tar.gz")) == nil)
  }
}
