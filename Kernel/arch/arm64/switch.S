/*
 * Cooperative context switch. A switch is a function call, so only what
 * AAPCS64 asks callees to preserve is saved: x19-x28, the frame pointer and
 * link register, d8-d15 and FPCR. A context is the stack pointer after
 * pushing them (struct switch_frame in cpu.c).
 *
 * void arch_ctx_switch(void **save_sp, void *next_sp)
 */
/* Kernel C code is built without FP/SIMD; this file saves those registers. */
	.arch_extension fp
	.arch_extension simd

	.text
	.globl arch_ctx_switch
arch_ctx_switch:
	sub sp, sp, #176
	stp x19, x20, [sp, #0]
	stp x21, x22, [sp, #16]
	stp x23, x24, [sp, #32]
	stp x25, x26, [sp, #48]
	stp x27, x28, [sp, #64]
	stp x29, x30, [sp, #80]
	stp d8, d9, [sp, #96]
	stp d10, d11, [sp, #112]
	stp d12, d13, [sp, #128]
	stp d14, d15, [sp, #144]
	mrs x2, fpcr
	str x2, [sp, #160]
	mov x2, sp
	str x2, [x0]
	mov sp, x1
	ldr x2, [sp, #160]
	msr fpcr, x2
	ldp d14, d15, [sp, #144]
	ldp d12, d13, [sp, #128]
	ldp d10, d11, [sp, #112]
	ldp d8, d9, [sp, #96]
	ldp x29, x30, [sp, #80]
	ldp x27, x28, [sp, #64]
	ldp x25, x26, [sp, #48]
	ldp x23, x24, [sp, #32]
	ldp x21, x22, [sp, #16]
	ldp x19, x20, [sp, #0]
	add sp, sp, #176
	ret

/*
 * First run of a thread: arch_ctx_init leaves entry in x19 and arg in x20,
 * and x29 = 0 so backtraces stop here.
 */
	.globl arm64_thread_start
arm64_thread_start:
	mov x0, x20
	blr x19
	brk #0
