import KraftBuild
import KraftModel
import Testing

@Suite struct MakefileUkReaderTests {
  let reader = MakefileUkReader(baseDirectory: "/app", options: ["CONFIG_APPHELLO_EXTRA": "y"])

  @Test func readsAUnikraftAppMakefile() throws {
    let text = """
      # An app as Unikraft writes it
      $(eval $(call addlib,apphello))

      APPHELLO_SRCS-y += $(APPHELLO_BASE)/main.c
      APPHELLO_SRCS-$(CONFIG_APPHELLO_EXTRA) += $(APPHELLO_BASE)/extra.c
      APPHELLO_SRCS-$(CONFIG_APPHELLO_MISSING) += $(APPHELLO_BASE)/never.c
      APPHELLO_CFLAGS-y += -DHELLO=1 \\
        -Wall
      APPHELLO_CINCLUDES-y += -I$(APPHELLO_BASE)/include
      """
    let parsed = try reader.read(text)
    #expect(parsed.libraries.count == 1)
    let app = try #require(parsed.libraries.first)
    #expect(app.name == "apphello")
    #expect(app.sources == ["/app/main.c", "/app/extra.c"])
    #expect(app.cflags == ["-DHELLO=1", "-Wall"])
    #expect(app.includes == ["/app/include"])
  }

  @Test func expandsOwnVariablesAndKeepsAssignmentOrder() throws {
    let text = """
      $(eval $(call addlib, appx))
      SRC_DIR := $(APPX_BASE)/src
      FILES = a.c
      FILES += b.c
      OPT ?= -O1
      OPT ?= -O3
      APPX_SRCS-y += $(SRC_DIR)/a.c ${SRC_DIR}/b.c|variant
      APPX_CFLAGS += $(OPT)
      """
    let app = try #require(try reader.read(text).libraries.first)
    #expect(app.sources == ["/app/src/a.c", "/app/src/b.c"])
    #expect(app.cflags == ["-O1"])
  }

  @Test func flagsAreSplitAndUnquotedLikeAShellWould() throws {
    let text = """
      $(eval $(call addlib,appq))
      APPQ_CFLAGS-y += -DNAME=\\"text\\" '-DSINGLE=a b'
      """
    let app = try #require(try reader.read(text).libraries.first)
    #expect(app.cflags == ["-DNAME=\"text\"", "-DSINGLE=a b"])
  }

  @Test func addlibSIsConditional() throws {
    let text = """
      $(eval $(call addlib_s,appy,$(CONFIG_APPHELLO_EXTRA)))
      $(eval $(call addlib_s,appz,$(CONFIG_OFF)))
      """
    #expect(try reader.read(text).libraries.map(\.name) == ["appy"])
  }

  @Test func unsupportedConstructsNameTheirLine() {
    let text = """
      $(eval $(call addlib,appx))
      ifeq ($(CONFIG_X),y)
      APPX_SRCS-y += a.c
      endif
      """
    #expect(throws: Diagnostics.self) { try reader.read(text, file: "Makefile.uk") }
    do {
      _ = try reader.read(text, file: "Makefile.uk")
    } catch {
      #expect(error.items.map { $0.location?.line } == [2, 4])
      #expect(
        error.items.first?.message.contains("unsupported Makefile.uk line 'ifeq ($(CONFIG_X),y)'") == true)
    }
  }
}
