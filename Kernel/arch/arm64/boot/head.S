/*
 * arm64 entry. The image starts with the Linux arm64 Image header, so QEMU's
 * -kernel (virt) and Firecracker load it as they load Linux: at a 2 MiB
 * aligned RAM base plus text_offset, MMU and caches off, x0 = the device
 * tree's physical address. An ELF boot (QEMU -kernel with the .dbg file)
 * enters at _start too, with x0 = 0; the C side then probes for the tree.
 *
 * Before any C runs this code: drops from EL2 to EL1 if started there,
 * masks interrupts, gives exceptions their own stack (SP_EL1) and the kernel
 * another (SP_EL0, so a kernel stack overflow still has a stack to report
 * on), enables FP/SIMD, clears BSS, and turns the MMU on with an identity
 * map (C code needs normal memory: with the MMU off every access is Device
 * memory and unaligned ones fault). The early map uses 1 GiB blocks: Device
 * memory below the GiB holding the kernel (QEMU virt and Firecracker put
 * their devices below RAM), Normal from there on; the kernel's own GiB gets
 * 2 MiB blocks so that guard pages can later be split out of it without
 * replacing the block the code runs from. mmu.c refines it from the tree.
 */

#define HCR_EL2_RW      (1 << 31)
#define SPSR_EL1H_MASKED 0x3c5
#define CPACR_FPEN      (3 << 20)
#define CPTR_EL2_NO_TRAPS 0x33ff	/* only the RES1 bits */
#define SCTLR_RES1      0x30d00800	/* Armv8.0's RES1 bits of SCTLR_EL1 */
#define SCTLR_M         (1 << 0)
#define SCTLR_C         (1 << 2)
#define SCTLR_I         (1 << 12)
/* MAIR: attribute 0 Device-nGnRE, attribute 1 Normal write-back. */
#define MAIR_VALUE      0xff04
/* TCR: 39-bit VA (T0SZ 25, walks start at level 1), write-back walks,
 * inner shareable, 4 KiB granule, no TTBR1 walks (EPD1). IPS is ORed in. */
#define TCR_VALUE       0x803519
#define TABLE           0x3
/* Block descriptors: valid, AttrIndx, AF, SH inner (Normal), UXN/PXN. */
#define BLOCK_NORMAL_LO 0x705
#define BLOCK_DEVICE_LO 0x401
#define BLOCK_NORMAL_HI (1 << (54 - 48))
#define BLOCK_DEVICE_HI (3 << (53 - 48))

#define BOOT_STACK_SIZE      32768
#define EXCEPTION_STACK_SIZE 16384

	.section .text.head, "ax", @progbits
	.globl _start
_start:
	/* Linux arm64 Image header (Documentation/arch/arm64/booting.rst). */
	b arm64_entry			/* code0 */
	.long 0				/* code1 */
	.quad _kernel_text_offset	/* text_offset, from link.lds */
	.quad _kernel_size		/* image_size, BSS included */
	.quad 0x2			/* flags: little-endian, 4 KiB pages */
	.quad 0, 0, 0			/* res2..res4 */
	.ascii "ARM\x64"		/* magic */
	.long 0				/* res5: no PE header */

arm64_entry:
	mov x19, x0			/* the device tree, for C */

	mrs x0, CurrentEL
	lsr x0, x0, #2
	cmp x0, #2
	b.ne 1f
	/* At EL2: run EL1 in AArch64 with the counters and timer allowed. */
	mov x0, #HCR_EL2_RW
	msr hcr_el2, x0
	mov x0, #CPTR_EL2_NO_TRAPS	/* FP/SIMD reaches EL1 untrapped */
	msr cptr_el2, x0
	mov x0, #3
	msr cnthctl_el2, x0
	msr cntvoff_el2, xzr
	mov x0, #SPSR_EL1H_MASKED
	msr spsr_el2, x0
	adr x0, 1f
	msr elr_el2, x0
	eret
1:
	/* The boot's first timestamp (after the EL2 set-up, which may change
	 * the counter's offset): the monotonic clock starts here. */
	mrs x20, cntvct_el0
	msr daifset, #0xf
	adrp x0, arm64_exception_stack_top
	add x0, x0, :lo12:arm64_exception_stack_top
	mov sp, x0
	adrp x0, arm64_boot_stack_top
	add x0, x0, :lo12:arm64_boot_stack_top
	msr sp_el0, x0
	msr spsel, #0			/* from here sp is SP_EL0 */
	mov x0, #CPACR_FPEN
	msr cpacr_el1, x0
	isb

	/* Clear BSS, all but the boot's own part of it that needs no zeros:
	 * the early tables (every entry is written below) and the stacks.
	 * 64 bytes per loop step: under TCG a step is a translated-block
	 * execution. The ends are 16-byte aligned (the linker scripts). */
	adrp x0, __bss_start
	add x0, x0, :lo12:__bss_start
	adrp x1, arm64_boot_l1
	add x1, x1, :lo12:arm64_boot_l1
	bl clear_range
	adrp x0, arm64_exception_stack_top
	add x0, x0, :lo12:arm64_exception_stack_top
	adrp x1, __bss_end
	add x1, x1, :lo12:__bss_end
	bl clear_range
	/* Early identity map. x2 = GiB of the kernel, x3 = L1, x4 = L2. */
	adrp x0, _start
	lsr x2, x0, #30
	adrp x3, arm64_boot_l1
	adrp x4, arm64_boot_l2
	mov x5, #0			/* GiB index */
	mov x7, #BLOCK_DEVICE_LO
	movk x7, #BLOCK_DEVICE_HI, lsl #48
	mov x8, #BLOCK_NORMAL_LO
	movk x8, #BLOCK_NORMAL_HI, lsl #48
4:	lsl x6, x5, #30
	cmp x5, x2
	csel x9, x7, x8, lo
	orr x6, x6, x9
	str x6, [x3, x5, lsl #3]
	add x5, x5, #1
	cmp x5, #512
	b.ne 4b
	orr x6, x4, #TABLE
	str x6, [x3, x2, lsl #3]
	lsl x6, x2, #30			/* the kernel's GiB in 2 MiB blocks */
	orr x6, x6, x8
	mov x5, #0
7:	str x6, [x4, x5, lsl #3]
	add x6, x6, #0x200000
	add x5, x5, #1
	cmp x5, #512
	b.ne 7b

	ldr x0, =MAIR_VALUE
	msr mair_el1, x0
	ldr x0, =TCR_VALUE
	mrs x1, id_aa64mmfr0_el1
	and x1, x1, #7			/* PARange -> IPS */
	bfi x0, x1, #32, #3
	msr tcr_el1, x0
	msr ttbr0_el1, x3
	isb
	tlbi vmalle1
	dsb nsh
	isb
	/* A known SCTLR (reset values may be UNKNOWN): little-endian, no
	 * alignment checks, MMU and caches on. */
	ldr x0, =(SCTLR_RES1 | SCTLR_M | SCTLR_C | SCTLR_I)
	msr sctlr_el1, x0
	isb

	adrp x0, arm64_vectors
	add x0, x0, :lo12:arm64_vectors
	msr vbar_el1, x0
	isb

	mov x29, #0			/* ends frame-pointer backtraces */
	mov x30, #0
	mov x0, x19
	mov x1, x20
	bl arm64_boot_main
8:	wfi
	b 8b

/* Zeroes [x0, x1), both 16-byte aligned; clobbers x0 and x2. */
clear_range:
2:	add x2, x0, #64
	cmp x2, x1
	b.hi 3f
	stp xzr, xzr, [x0]
	stp xzr, xzr, [x0, #16]
	stp xzr, xzr, [x0, #32]
	stp xzr, xzr, [x0, #48]
	mov x0, x2
	b 2b
3:	cmp x0, x1			/* the tail, 16 bytes a step */
	b.hs 4f
	stp xzr, xzr, [x0], #16
	b 3b
4:	ret

	.section .bss.boot, "aw", @nobits
	.balign 4096
	.globl arm64_boot_l1, arm64_boot_l2
arm64_boot_l1:
	.skip 4096
arm64_boot_l2:
	.skip 4096
	/* Unmapped by mmu.c: a boot stack overflow faults here. */
	.globl arm64_boot_stack_guard, arm64_boot_stack_top
arm64_boot_stack_guard:
	.skip 4096
	.skip BOOT_STACK_SIZE
arm64_boot_stack_top:
	.balign 16
	.skip EXCEPTION_STACK_SIZE
	.globl arm64_exception_stack_top
arm64_exception_stack_top:
