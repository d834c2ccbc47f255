/*
 * Xen ELF notes besides the PVH entry point (XEN_ELFNOTE_PHYS32_ENTRY,
 * which the x86_64 arch library's boot/entry.S emits for every x86
 * platform): who the guest is and which loader conventions it follows, as
 * xl and libxenguest read them (xen/include/public/elfnote.h).
 */
#define XEN_ELFNOTE_XEN_VERSION   5
#define XEN_ELFNOTE_GUEST_OS      6
#define XEN_ELFNOTE_GUEST_VERSION 7
#define XEN_ELFNOTE_LOADER        8

.macro XEN_NOTE type, text
	.balign 4
	.long 4			/* name size: "Xen\0" */
	.long 2f - 1f		/* descriptor size */
	.long \type
	.asciz "Xen"
	.balign 4
1:	.asciz "\text"
2:
.endm

	.section .note.Xen, "a", @note
	XEN_NOTE XEN_ELFNOTE_GUEST_OS, "kraft"
	XEN_NOTE XEN_ELFNOTE_GUEST_VERSION, "1"
	XEN_NOTE XEN_ELFNOTE_XEN_VERSION, "xen-3.0"
	XEN_NOTE XEN_ELFNOTE_LOADER, "generic"
	.balign 4
