/*
 * Multiboot v1 header and entry, for QEMU's -kernel on the pc machine.
 * QEMU refuses ELF64 Multiboot kernels unless the header gives the load
 * addresses itself (flag 16, the "a.out kludge"), so it does: QEMU copies
 * the file from _kernel_start to _edata as one block, which works because
 * the file lays the three segments out as memory does (see link.lds). The entry passes the loader's magic and info pointer to the
 * common 32-bit path in the arch library.
 */
#define MB_MAGIC 0x1badb002
#define MB_FLAGS ((1 << 1) | (1 << 16)) /* memory map, address fields */

	.section .multiboot, "a", @progbits
	.balign 4
x86_multiboot_header:
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)
	.long x86_multiboot_header	/* header_addr */
	.long _kernel_start		/* load_addr */
	.long _edata			/* load_end_addr */
	.long _kernel_end		/* bss_end_addr: BSS, then the boot page tables */
	.long x86_multiboot_entry	/* entry_addr */

	.section .text.boot, "ax", @progbits
	.code32
x86_multiboot_entry:
	cli
	cld
	mov %eax, %edi
	mov %ebx, %esi
	jmp x86_boot32
