/*
 * x86_64 boot: from 32-bit protected mode (paging off, flat segments, as
 * both Multiboot v1 and PVH leave the CPU) into long mode.
 *
 * The PVH entry lives here because every x86 platform (QEMU pc and microvm,
 * Firecracker, Xen) can boot through it; a platform that also supports
 * Multiboot adds its header and jumps to x86_boot32 the same way. Register
 * contract for x86_boot32: %edi = protocol magic, %esi = boot info address.
 *
 * x86_boot32 clears BSS, identity-maps the first 4 GiB with 2 MiB pages (so
 * RAM and the local APIC are reachable; the C side maps RAM above 4 GiB and
 * splits pages where later guard pages need 4 KiB), enables PAE, long mode,
 * SSE, no-execute (where the CPU has it) and paging, and calls
 * x86_boot_main(magic, info) on the boot stack.
 *
 * The page tables are final from the first instruction in long mode: the
 * image's 2 MiB pages are 4 KiB pages, W^X (code R-X, constants R--, the
 * rest RW- and no-execute, as every other page is), with the boot stack's
 * guard page not present (the first 64 KiB, which may hold the loader's
 * boot information, is unmapped once it is read: mmu.c). Built here, in a few
 * loops of a few instructions each, because in C (splitting, then a pass
 * per property) it was 100 translated blocks and 45,000 instructions: most
 * of what a hello boot ran before main, and under QEMU's TCG each block is
 * translated once at a cost of microseconds (docs/kernel.md, Boot time).
 */

#define CR0_PE      (1 << 0)
#define CR0_MP      (1 << 1)
#define CR0_EM      (1 << 2)
#define CR0_TS      (1 << 3)
#define CR0_WP      (1 << 16)
#define CR0_PG      (1 << 31)
#define CR4_PAE     (1 << 5)
#define CR4_OSFXSR  (1 << 9)
#define CR4_OSXMMEXCPT (1 << 10)
#define MSR_EFER    0xc0000080
#define EFER_LME    (1 << 8)
#define PTE_P_RW    0x3
#define PTE_P_RW_PS 0x83
#define PTE_P_A_D    0x61 /* present, accessed, dirty (see mmu.c) */
#define PTE_P_RW_A_D 0x63
#define PTE_GUARD   0x200 /* not present, a guard page (mmu.c) */
#define PTE_NX_HIGH 0x80000000 /* bit 63, in an entry's high half */
#define EFER_NXE    (1 << 11)
#define CPUID_NX    (1 << 20) /* leaf 0x80000001, EDX */

#define BOOT_STACK_SIZE 32768

/* The PVH ELF note (XEN_ELFNOTE_PHYS32_ENTRY = 18). Loaders read the
 * descriptor as a pointer-sized value, so it is a quad. */
	.section .note.Xen, "a", @note
	.balign 4
	.long 4, 8, 18
	.asciz "Xen"
	.balign 4
	.quad x86_pvh_entry

	.section .text.boot, "ax", @progbits
	.code32
	.globl x86_pvh_entry
x86_pvh_entry:
	cli
	cld
	mov $0x336ec578, %edi
	mov %ebx, %esi
	jmp x86_boot32

	.globl x86_boot32
x86_boot32:
	/* The boot's first timestamp: the monotonic clock starts here. In
	 * .data, as BSS is cleared next. */
	mov %edi, %ebx
	rdtsc
	mov %eax, x86_boot_tsc
	mov %edx, x86_boot_tsc + 4
	mov %ebx, %edi
	/* Clear BSS, all but the boot's own part of it that needs no zeros:
	 * the page directories (every entry is written below), the boot
	 * stack and its guard page. Sixteen stores per loop step: under TCG
	 * a step is a translated-block execution, and `rep stos` is one per
	 * four bytes (hello's 89 KiB of BSS took 22,000 of them). The ends
	 * are 16-byte aligned (the linker scripts). Keeps %edi and %esi. */
	mov $x86_boot_stack_top, %esp
	mov $__bss_start, %eax
	mov $x86_boot_pd, %ecx
	call clear_range
	mov $x86_boot_stack_top, %eax
	mov $__bss_end, %ecx
	call clear_range

	/* No-execute where the CPU has it: %ebp is the NX bit's half of a
	 * 64-bit entry, or 0 (the bit is reserved without EFER.NXE). */
	xor %ebp, %ebp
	mov $0x80000000, %eax
	cpuid
	cmp $0x80000001, %eax
	jb 1f
	mov $0x80000001, %eax
	cpuid
	test $CPUID_NX, %edx
	jz 1f
	mov $PTE_NX_HIGH, %ebp
1:
	/* PML4[0] -> PDPT; PDPT[0..3] -> four page directories. */
	mov $x86_boot_pdpt, %eax
	or $PTE_P_RW, %eax
	mov %eax, x86_boot_pml4
	mov $x86_boot_pd, %eax
	or $PTE_P_RW, %eax
	xor %ecx, %ecx
1:	mov %eax, x86_boot_pdpt(, %ecx, 8)
	add $4096, %eax
	inc %ecx
	cmp $4, %ecx
	jne 1b

	/* 2048 directory entries of 2 MiB each: 0 .. 4 GiB, no-execute, both
	 * halves of each written (the directories are not cleared), two per
	 * step. */
	mov $PTE_P_RW_PS, %eax
	xor %ecx, %ecx
	mov %ebp, %edx
2:	mov %eax, x86_boot_pd(, %ecx, 8)
	mov %edx, x86_boot_pd + 4(, %ecx, 8)
	add $0x200000, %eax
	mov %eax, x86_boot_pd + 8(, %ecx, 8)
	mov %edx, x86_boot_pd + 12(, %ecx, 8)
	add $0x200000, %eax
	add $2, %ecx
	cmp $2048, %ecx
	jne 2b

	/* The image's 2 MiB pages point to its page tables instead (the
	 * directory entry allows all; the page entries decide). */
	push %esi
	push %edi
	mov $x86_boot_pt, %eax
	mov $x86_boot_pd, %edi
3:	lea PTE_P_RW(%eax), %ecx
	mov %ecx, (%edi)
	movl $0, 4(%edi)
	add $8, %edi
	add $4096, %eax
	cmp $x86_boot_pt_end, %eax
	jb 3b

	/* Their entries, range by range (the image starts at 1 MiB). */
	xor %eax, %eax			/* below the image: RW- */
	mov $_kernel_text_start, %ecx
	mov $PTE_P_RW_A_D, %ebx
	mov %ebp, %edx
	call fill_pages
	mov $_kernel_text_start, %eax	/* code: R-X */
	mov $_kernel_text_end, %ecx
	mov $PTE_P_A_D, %ebx
	xor %edx, %edx
	call fill_pages
	mov $_kernel_text_end, %eax	/* constants: R-- */
	mov $_kernel_rodata_end, %ecx
	mov %ebp, %edx
	call fill_pages
	mov $_kernel_rodata_end, %eax	/* the rest, to the tables' reach */
	mov $x86_boot_pt_end, %ecx
	sub $x86_boot_pt, %ecx
	shl $9, %ecx			/* 2 MiB (1 << 21) per 4 KiB table */
	mov $PTE_P_RW_A_D, %ebx
	call fill_pages
	mov $x86_boot_stack_guard, %eax	/* the guard page: not present */
	mov %eax, %ecx
	shr $9, %ecx
	or $PTE_GUARD, %eax
	mov %eax, x86_boot_pt(%ecx)
	movl $0, x86_boot_pt + 4(%ecx)
	pop %edi
	pop %esi

	mov %cr4, %eax
	or $(CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT), %eax
	mov %eax, %cr4
	mov $x86_boot_pml4, %eax
	mov %eax, %cr3
	mov $MSR_EFER, %ecx
	rdmsr
	or $EFER_LME, %eax
	test %ebp, %ebp
	jz 4f
	or $EFER_NXE, %eax
4:	wrmsr
	mov %cr0, %eax
	and $~(CR0_EM | CR0_TS), %eax
	or $(CR0_PE | CR0_MP | CR0_WP | CR0_PG), %eax
	mov %eax, %cr0

	lgdt x86_boot_gdt_desc
	ljmp $0x08, $x86_boot64

/* Page entries for [%eax, %ecx), page-aligned and within the boot tables'
 * reach: each the frame or'd with %ebx (flags, below 4096), %edx the high
 * half. The tables are contiguous from address 0, so an entry is at
 * x86_boot_pt + (va >> 12) * 8. Clobbers %eax, %ecx, %edi. */
fill_pages:
	mov %eax, %edi
	shr $9, %edi
	add $x86_boot_pt, %edi
	or %ebx, %eax
	or %ebx, %ecx
	jmp 2f
1:	mov %eax, (%edi)
	mov %edx, 4(%edi)
	add $8, %edi
	add $4096, %eax
2:	cmp %ecx, %eax
	jb 1b
	ret

/* Zeroes [%eax, %ecx), both 16-byte aligned; clobbers %eax, %edx, %ebp.
 * Runs on the boot stack, which needs no clearing. */
clear_range:
	mov %eax, %ebp
	xor %eax, %eax
1:	lea 64(%ebp), %edx
	cmp %ecx, %edx
	ja 2f
	mov %eax, 0(%ebp)
	mov %eax, 4(%ebp)
	mov %eax, 8(%ebp)
	mov %eax, 12(%ebp)
	mov %eax, 16(%ebp)
	mov %eax, 20(%ebp)
	mov %eax, 24(%ebp)
	mov %eax, 28(%ebp)
	mov %eax, 32(%ebp)
	mov %eax, 36(%ebp)
	mov %eax, 40(%ebp)
	mov %eax, 44(%ebp)
	mov %eax, 48(%ebp)
	mov %eax, 52(%ebp)
	mov %eax, 56(%ebp)
	mov %eax, 60(%ebp)
	mov %edx, %ebp
	jmp 1b
2:	cmp %ecx, %ebp			/* the tail, 16 bytes a step */
	jae 3f
	mov %eax, 0(%ebp)
	mov %eax, 4(%ebp)
	mov %eax, 8(%ebp)
	mov %eax, 12(%ebp)
	add $16, %ebp
	jmp 2b
3:	ret

	.code64
	.type x86_boot64, @function	/* named in backtraces */
x86_boot64:
	mov $0x10, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	xor %eax, %eax
	mov %ax, %fs
	mov %ax, %gs
	lea x86_boot_stack_top(%rip), %rsp
	xor %ebp, %ebp		/* ends frame-pointer backtraces */
	fninit
	mov %edi, %edi		/* zero-extend magic and info */
	mov %esi, %esi
	call x86_boot_main
3:	cli
	hlt
	jmp 3b
	.size x86_boot64, . - x86_boot64

/* GDT: null, 64-bit code (0x08), data (0x10), TSS (0x18, set up in C). */
	.section .data.boot, "aw", @progbits
	.balign 16
	.globl x86_gdt
x86_gdt:
	.quad 0
	.quad 0x00af9a000000ffff
	.quad 0x00cf92000000ffff
	.quad 0, 0
x86_gdt_end:
	.globl x86_boot_gdt_desc
x86_boot_gdt_desc:
	.word x86_gdt_end - x86_gdt - 1
	.quad x86_gdt

	.section .data
	.balign 8
	.globl x86_boot_tsc
x86_boot_tsc:
	.quad 0

	.section .bss.boot, "aw", @nobits
	.balign 4096
	.globl x86_boot_pml4, x86_boot_pdpt, x86_boot_pd
x86_boot_pml4:
	.skip 4096
x86_boot_pdpt:
	.skip 4096
x86_boot_pd:
	.skip 4 * 4096
	/* Unmapped once the page allocator can supply a page table. */
	.globl x86_boot_stack_guard, x86_boot_stack_top
x86_boot_stack_guard:
	.skip 4096
	.skip BOOT_STACK_SIZE
x86_boot_stack_top:
