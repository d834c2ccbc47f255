import Foundation
import KraftBasics

/// Names the licence of an upstream tree (an SPDX identifier) from its licence text, so that
/// `kraft port new` can fill `license:`. Only well-known texts are recognised, by phrases each
/// licence's text always contains; anything else is left for the porter to name.
public enum LicenseDetector {
  public struct Finding: Equatable, Sendable {
    /// SPDX identifier (`MIT`, `BSD-3-Clause`, ...).
    public var identifier: String
    /// The file (relative to the tree) the text was found in.
    public var file: String
  }

  /// The licence files at the top of the tree (`LICENSE`, `LICENCE`, `COPYING`, `COPYRIGHT`,
  /// with any extension) are read first; then `README*`, then the headers in `headerFolders`
  /// (Lua, for one, carries its MIT text at the end of `lua.h`).
  public static func detect(
    tree: String, headerFolders: [String], fileSystem: any FileSystem
  ) -> Finding? {
    let top = ((try? fileSystem.list(tree)) ?? []).sorted()
    let licenceFiles = top.filter { name in
      let upper = name.uppercased()
      return ["LICENSE", "LICENCE", "COPYING", "COPYRIGHT"].contains { upper.hasPrefix($0) }
    }
    let readmes = top.filter { $0.uppercased().hasPrefix("README") }
    var headers: [String] = []
    for folder in headerFolders {
      let path = folder == "." ? tree : tree + "/" + folder
      for file in ((try? fileSystem.list(path)) ?? []).sorted() where file.hasSuffix(".h") {
        headers.append(folder == "." ? file : folder + "/" + file)
      }
    }
    for file in licenceFiles + readmes + headers where !fileSystem.isDirectory(tree + "/" + file) {
      guard let text = try? fileSystem.readText(tree + "/" + file),
        let identifier = identify(text)
      else { continue }
      return Finding(identifier: identifier, file: file)
    }
    return nil
  }

  /// The SPDX identifier of the licence `text` holds, or nil. Line breaks and comment
  /// decoration (words made only of `*`, `/`, `#`, ...) are ignored, so a text inside a C
  /// comment matches too.
  public static func identify(_ text: String) -> String? {
    let words = text.lowercased().split(whereSeparator: \.isWhitespace)
      .filter { !$0.allSatisfy { "*/#;-=|".contains($0) } }
      .joined(separator: " ")
    func has(_ phrase: String) -> Bool { words.contains(phrase) }
    if has("apache license") && has("version 2.0") { return "Apache-2.0" }
    if has("gnu lesser general public license") || has("gnu library general public license") {
      let later = has("or (at your option) any later version")
      if has("version 3") { return later ? "LGPL-3.0-or-later" : "LGPL-3.0-only" }
      return later ? "LGPL-2.1-or-later" : "LGPL-2.1-only"
    }
    if has("gnu general public license") {
      let later = has("or (at your option) any later version")
      if has("version 3") { return later ? "GPL-3.0-or-later" : "GPL-3.0-only" }
      return later ? "GPL-2.0-or-later" : "GPL-2.0-only"
    }
    if has("permission is hereby granted, free of charge, to any person obtaining a copy") {
      return "MIT"
    }
    if has("permission to use, copy, modify, and/or distribute this software for any purpose")
      || has(
        "permission to use, copy, modify, and distribute this software for any purpose with or without fee")
    {
      return "ISC"
    }
    if has("this software is provided 'as-is', without any express or implied warranty")
      && has("permission is granted to anyone to use this software for any purpose")
    {
      return "Zlib"
    }
    if has("redistribution and use in source and binary forms, with or without modification") {
      return has("neither the name") || has("may not be used to endorse or promote")
        ? "BSD-3-Clause" : "BSD-2-Clause"
    }
    return nil
  }
}
