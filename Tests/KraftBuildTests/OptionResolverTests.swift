import KraftBuild
import KraftModel
import Testing

/// Option resolution on a small catalog: an arch, a platform, a core library, two allocators
/// providing one capability, and options with defaults, ranges, choices and depends-on.
@Suite struct OptionResolverTests {
  static let target = Target(name: "t", platform: .qemu, architecture: .x86_64)

  static let catalog: [LibraryManifest] = [
    LibraryManifest(name: "arch-x86_64", kind: .arch, architectures: [.x86_64], directory: "/k/arch"),
    LibraryManifest(
      name: "plat-qemu", kind: .platform, platforms: [.qemu], requires: ["kcore"],
      directory: "/k/plat"),
    LibraryManifest(
      name: "kcore", requires: ["allocator"],
      options: [
        LibraryOption(name: "CONFIG_KCORE_ASSERT", kind: .bool, defaultValue: .bool(false), library: "kcore"),
        LibraryOption(
          name: "CONFIG_KCORE_LOG_LEVEL", kind: .choice, defaultValue: .choice("info"),
          choices: ["crit", "error", "warn", "info", "debug"], library: "kcore"),
        LibraryOption(
          name: "CONFIG_KCORE_BANNER", kind: .string, defaultValue: .string("kraft"), library: "kcore"),
      ], directory: "/k/lib/kcore"),
    LibraryManifest(
      name: "alloc-buddy", requires: ["kcore"], provides: ["allocator"], defaultFor: ["allocator"],
      options: [
        LibraryOption(
          name: "CONFIG_ALLOC_BUDDY_MAX_ORDER", kind: .int, defaultValue: .int(18), range: 10...30,
          library: "alloc-buddy"),
        LibraryOption(
          name: "CONFIG_ALLOC_BUDDY_DEBUG", kind: .bool, defaultValue: .bool(false),
          dependsOn: ["CONFIG_KCORE_ASSERT"], library: "alloc-buddy"),
      ], directory: "/k/lib/alloc-buddy"),
    LibraryManifest(
      name: "alloc-region", requires: ["kcore"], provides: ["allocator"], directory: "/k/lib/alloc-region"),
    LibraryManifest(
      name: "extra",
      options: [
        LibraryOption(name: "CONFIG_EXTRA_SIZE", kind: .int, defaultValue: .int(1), library: "extra")
      ],
      directory: "/k/lib/extra"),
  ]

  static func resolve(
    top: [KConfigAssignment] = [], target targetSettings: [KConfigAssignment] = [],
    unikraft: [KConfigAssignment] = [], libraries: [Component] = []
  ) throws -> OptionResolution {
    var target = Self.target
    target.kconfig = targetSettings
    let kraftfile = Kraftfile(
      directory: "/p", unikraft: Component(name: "unikraft", kconfig: unikraft),
      libraries: libraries, targets: [target], kconfig: top)
    return try OptionResolver(catalog: catalog).resolve(kraftfile, for: target)
  }

  static func at(_ line: Int) -> KraftModel.SourceLocation {
    KraftModel.SourceLocation(file: "Kraftfile", line: line, column: 3)
  }

  static func messages(_ body: () throws -> OptionResolution) -> [String] {
    do {
      _ = try body()
      return []
    } catch let diagnostics as Diagnostics {
      return diagnostics.items.map(\.message)
    } catch {
      return ["unexpected \(error)"]
    }
  }

  @Test func defaultsApplyAndTheDefaultProviderIsChosen() throws {
    let resolution = try Self.resolve()
    #expect(resolution.libraries.map(\.name) == ["arch-x86_64", "plat-qemu", "kcore", "alloc-buddy"])
    #expect(resolution["CONFIG_ALLOC_BUDDY_MAX_ORDER"]?.value == .int(18))
    #expect(resolution["CONFIG_ALLOC_BUDDY_MAX_ORDER"]?.origin == .manifestDefault(library: "alloc-buddy"))
    #expect(resolution["CONFIG_KCORE_LOG_LEVEL"]?.value == .choice("info"))
    #expect(resolution["CONFIG_LIBALLOC_BUDDY"]?.value == .bool(true))
    #expect(resolution["CONFIG_LIBALLOC_REGION"] == nil)
    #expect(resolution["CONFIG_EXTRA_SIZE"] == nil)
  }

  @Test func laterStepsOverrideEarlierOnesAndExplainSaysWhere() throws {
    let resolution = try Self.resolve(
      top: [KConfigAssignment(name: "CONFIG_ALLOC_BUDDY_MAX_ORDER", value: "20", location: Self.at(4))],
      target: [KConfigAssignment(name: "CONFIG_ALLOC_BUDDY_MAX_ORDER", value: "22", location: Self.at(9))],
      unikraft: [KConfigAssignment(name: "CONFIG_ALLOC_BUDDY_MAX_ORDER", value: "12", location: Self.at(2))])
    let resolved = try #require(resolution["CONFIG_ALLOC_BUDDY_MAX_ORDER"])
    #expect(resolved.value == .int(22))
    #expect(resolved.origin == .target("t"))
    #expect(resolved.overridden.map(\.text) == ["18", "12", "20"])
    let explanation = try #require(resolution.explain("CONFIG_ALLOC_BUDDY_MAX_ORDER"))
    #expect(explanation.contains("CONFIG_ALLOC_BUDDY_MAX_ORDER=22"))
    #expect(explanation.contains("target 't'"))
    #expect(explanation.contains("Kraftfile:9:3"))
    #expect(explanation.contains("overrides 20 from the top-level 'kconfig:'"))
  }

  @Test func libraryStepSitsBetweenUnikraftAndTopLevel() throws {
    let resolution = try Self.resolve(
      unikraft: [KConfigAssignment(name: "CONFIG_KCORE_BANNER", value: "from-unikraft")],
      libraries: [
        Component(
          name: "extra", kconfig: [KConfigAssignment(name: "CONFIG_KCORE_BANNER", value: "\"from lib\"")])
      ])
    #expect(resolution["CONFIG_KCORE_BANNER"]?.value == .string("from lib"))
    #expect(resolution["CONFIG_KCORE_BANNER"]?.origin == .library("extra"))
    #expect(resolution.libraries.map(\.name).contains("extra"))
  }

  @Test func dependsOnMakesAnOptionUnavailable() {
    let problems = Self.messages {
      try Self.resolve(top: [
        KConfigAssignment(name: "CONFIG_ALLOC_BUDDY_DEBUG", value: "y", location: Self.at(5))
      ])
    }
    #expect(problems.count == 1)
    #expect(problems.first?.contains("depends on 'CONFIG_KCORE_ASSERT'") == true)
  }

  @Test func dependsOnMetAllowsTheOption() throws {
    let resolution = try Self.resolve(top: [
      KConfigAssignment(name: "CONFIG_KCORE_ASSERT", value: "y"),
      KConfigAssignment(name: "CONFIG_ALLOC_BUDDY_DEBUG", value: "y"),
    ])
    #expect(resolution["CONFIG_ALLOC_BUDDY_DEBUG"]?.value == .bool(true))
  }

  @Test func unmetDependencyLeavesABoolOff() throws {
    let resolution = try Self.resolve()
    #expect(resolution["CONFIG_ALLOC_BUDDY_DEBUG"]?.value == .bool(false))
    #expect(resolution["CONFIG_ALLOC_BUDDY_DEBUG"]?.origin == .unmetDependency(option: "CONFIG_KCORE_ASSERT"))
  }

  @Test func enablingAnotherProviderReplacesTheDefault() throws {
    let resolution = try Self.resolve(top: [KConfigAssignment(name: "CONFIG_LIBALLOC_REGION", value: "y")])
    #expect(resolution.libraries.map(\.name).contains("alloc-region"))
    #expect(!resolution.libraries.map(\.name).contains("alloc-buddy"))
    #expect(resolution["CONFIG_LIBALLOC_REGION"]?.origin == .project)
  }

  @Test func twoProvidersConflictNamingBoth() {
    let problems = Self.messages {
      try Self.resolve(top: [
        KConfigAssignment(name: "CONFIG_LIBALLOC_REGION", value: "y", location: Self.at(3)),
        KConfigAssignment(name: "CONFIG_LIBALLOC_BUDDY", value: "y", location: Self.at(4)),
      ])
    }
    #expect(problems.count == 1)
    let message = problems.first ?? ""
    #expect(message.contains("'alloc-buddy'") && message.contains("'alloc-region'"))
    #expect(message.contains("both provide 'allocator'"))
  }

  @Test func disablingARequiredLibraryNamesBothSides() {
    let problems = Self.messages {
      try Self.resolve(top: [KConfigAssignment(name: "CONFIG_LIBKCORE", value: "n", location: Self.at(3))])
    }
    #expect(
      problems.contains {
        $0.contains("'kcore'") && $0.contains("required by 'plat-qemu'") && $0.contains("'CONFIG_LIBKCORE'")
      })
  }

  @Test func unknownOptionSuggestsTheClosest() {
    let problems = Self.messages {
      try Self.resolve(top: [KConfigAssignment(name: "CONFIG_ALLOC_BUDY_MAX_ORDER", value: "20")])
    }
    #expect(
      problems == [
        "unknown option 'CONFIG_ALLOC_BUDY_MAX_ORDER'; did you mean 'CONFIG_ALLOC_BUDDY_MAX_ORDER'?"
      ])
  }

  @Test func optionOfAnUnselectedLibrarySaysHowToEnableIt() {
    let problems = Self.messages {
      try Self.resolve(top: [KConfigAssignment(name: "CONFIG_EXTRA_SIZE", value: "3")])
    }
    #expect(problems.first?.contains("enable it with 'CONFIG_LIBEXTRA=y'") == true)
  }

  @Test func badValuesAreReportedTogether() {
    let problems = Self.messages {
      try Self.resolve(top: [
        KConfigAssignment(name: "CONFIG_ALLOC_BUDDY_MAX_ORDER", value: "40"),
        KConfigAssignment(name: "CONFIG_KCORE_ASSERT", value: "maybe"),
        KConfigAssignment(name: "CONFIG_KCORE_LOG_LEVEL", value: "inf"),
      ])
    }
    #expect(problems.count == 3)
    #expect(problems.contains("'CONFIG_ALLOC_BUDDY_MAX_ORDER' must be between 10 and 30, not 40"))
    #expect(problems.contains("'CONFIG_KCORE_ASSERT' is a bool: use y or n, not 'maybe'"))
    #expect(problems.contains { $0.contains("'inf' is not a choice") && $0.contains("did you mean 'info'?") })
  }

  @Test func contradictionInOneStepNamesBothValues() {
    let problems = Self.messages {
      try Self.resolve(top: [
        KConfigAssignment(name: "CONFIG_KCORE_ASSERT", value: "y", location: Self.at(3)),
        KConfigAssignment(name: "CONFIG_KCORE_ASSERT", value: "n", location: Self.at(7)),
      ])
    }
    #expect(
      problems == ["'CONFIG_KCORE_ASSERT' is set to both 'y' and 'n' in the top-level 'kconfig:'; keep one"])
  }

  @Test func unknownLibraryInKraftfileSuggests() {
    let problems = Self.messages { try Self.resolve(libraries: [Component(name: "alloc-bud")]) }
    #expect(problems == ["unknown library 'alloc-bud'; did you mean 'alloc-buddy'?"])
  }

  @Test func configHeaderFollowsTheTable() throws {
    let header = ConfigHeader.header(try Self.resolve())
    #expect(header.contains("#define CONFIG_ALLOC_BUDDY_MAX_ORDER 18\n"))
    #expect(
      header.contains("#define CONFIG_KCORE_LOG_LEVEL \"info\"\n#define CONFIG_KCORE_LOG_LEVEL_INFO 1\n"))
    #expect(header.contains("#define CONFIG_KCORE_BANNER \"kraft\"\n"))
    #expect(header.contains("#define CONFIG_LIBKCORE 1\n"))
    #expect(!header.contains("CONFIG_KCORE_ASSERT"))
    let json = ConfigHeader.json(try Self.resolve())
    #expect(json.contains("\"CONFIG_KCORE_ASSERT\": false"))
    #expect(json.contains("\"CONFIG_ALLOC_BUDDY_MAX_ORDER\": 18"))
  }
}
