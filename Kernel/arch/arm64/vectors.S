/*
 * Exception vectors. The kernel runs on SP_EL0, so its exceptions arrive
 * through the "current EL with SP0" group and their handler runs on SP_EL1,
 * a stack of its own: a kernel stack overflow can still be reported. The
 * "current EL with SPx" group means an exception inside a handler, and the
 * lower-EL groups cannot happen (nothing runs at EL0); both are reported as
 * crashes. Each entry saves x0/x1, passes its kind in x1 and joins a common
 * path that saves struct arm64_regs plus the FP/SIMD registers (the C
 * handler may use them; the interrupted code owns them), calls
 * arm64_trap(regs, kind) and returns with eret.
 */
/* Kernel C code is built without FP/SIMD; this file saves those registers. */
	.arch_extension fp
	.arch_extension simd

#define FRAME_REGS  288  /* struct arm64_regs */
#define FRAME_FP    512  /* q0..q31 */
#define FRAME_SIZE  (FRAME_REGS + FRAME_FP + 16)

/* enum arm64_vector */
#define VEC_SYNC     0
#define VEC_IRQ      1
#define VEC_FIQ      2
#define VEC_SERROR   3
#define VEC_NESTED   4
#define VEC_LOWER_EL 5

.macro VENTRY kind
	.balign 0x80
	sub sp, sp, #FRAME_SIZE
	stp x0, x1, [sp, #0]
	mov x1, #\kind
	b arm64_trap_common
.endm

	.text
	.balign 2048
	.globl arm64_vectors
arm64_vectors:
	VENTRY VEC_SYNC
	VENTRY VEC_IRQ
	VENTRY VEC_FIQ
	VENTRY VEC_SERROR
	VENTRY VEC_NESTED
	VENTRY VEC_NESTED
	VENTRY VEC_NESTED
	VENTRY VEC_NESTED
	.rept 8
	VENTRY VEC_LOWER_EL
	.endr

arm64_trap_common:
	stp x2, x3, [sp, #16]
	stp x4, x5, [sp, #32]
	stp x6, x7, [sp, #48]
	stp x8, x9, [sp, #64]
	stp x10, x11, [sp, #80]
	stp x12, x13, [sp, #96]
	stp x14, x15, [sp, #112]
	stp x16, x17, [sp, #128]
	stp x18, x19, [sp, #144]
	stp x20, x21, [sp, #160]
	stp x22, x23, [sp, #176]
	stp x24, x25, [sp, #192]
	stp x26, x27, [sp, #208]
	stp x28, x29, [sp, #224]
	mrs x2, sp_el0
	stp x30, x2, [sp, #240]
	mrs x2, elr_el1
	mrs x3, spsr_el1
	stp x2, x3, [sp, #256]
	mrs x2, esr_el1
	mrs x3, far_el1
	stp x2, x3, [sp, #272]
	add x2, sp, #FRAME_REGS
	stp q0, q1, [x2, #0]
	stp q2, q3, [x2, #32]
	stp q4, q5, [x2, #64]
	stp q6, q7, [x2, #96]
	stp q8, q9, [x2, #128]
	stp q10, q11, [x2, #160]
	stp q12, q13, [x2, #192]
	stp q14, q15, [x2, #224]
	stp q16, q17, [x2, #256]
	stp q18, q19, [x2, #288]
	stp q20, q21, [x2, #320]
	stp q22, q23, [x2, #352]
	stp q24, q25, [x2, #384]
	stp q26, q27, [x2, #416]
	stp q28, q29, [x2, #448]
	stp q30, q31, [x2, #480]
	mrs x3, fpcr
	mrs x4, fpsr
	str x3, [x2, #512]
	str x4, [x2, #520]

	mov x0, sp
	/* The crash report walks the saved x29, not the handler's frames. */
	mov x29, #0
	bl arm64_trap

	add x2, sp, #FRAME_REGS
	ldr x3, [x2, #512]
	ldr x4, [x2, #520]
	msr fpcr, x3
	msr fpsr, x4
	ldp q0, q1, [x2, #0]
	ldp q2, q3, [x2, #32]
	ldp q4, q5, [x2, #64]
	ldp q6, q7, [x2, #96]
	ldp q8, q9, [x2, #128]
	ldp q10, q11, [x2, #160]
	ldp q12, q13, [x2, #192]
	ldp q14, q15, [x2, #224]
	ldp q16, q17, [x2, #256]
	ldp q18, q19, [x2, #288]
	ldp q20, q21, [x2, #320]
	ldp q22, q23, [x2, #352]
	ldp q24, q25, [x2, #384]
	ldp q26, q27, [x2, #416]
	ldp q28, q29, [x2, #448]
	ldp q30, q31, [x2, #480]
	/* elr may have moved (a refused semihosting call is skipped). */
	ldp x2, x3, [sp, #256]
	msr elr_el1, x2
	msr spsr_el1, x3
	ldp x30, x2, [sp, #240]
	msr sp_el0, x2
	ldp x28, x29, [sp, #224]
	ldp x26, x27, [sp, #208]
	ldp x24, x25, [sp, #192]
	ldp x22, x23, [sp, #176]
	ldp x20, x21, [sp, #160]
	ldp x18, x19, [sp, #144]
	ldp x16, x17, [sp, #128]
	ldp x14, x15, [sp, #112]
	ldp x12, x13, [sp, #96]
	ldp x10, x11, [sp, #80]
	ldp x8, x9, [sp, #64]
	ldp x6, x7, [sp, #48]
	ldp x4, x5, [sp, #32]
	ldp x2, x3, [sp, #16]
	ldp x0, x1, [sp, #0]
	add sp, sp, #FRAME_SIZE
	eret
